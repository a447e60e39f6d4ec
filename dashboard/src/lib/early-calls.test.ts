import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The hand-over from the boot script to the app with a real query cache; fetch is captured
// (the answers are the collector's shapes, cut down). Each test loads the modules afresh:
// the early calls are module state, once per page.

let asked: string[];
let answer: (url: string) => Response;

beforeEach(() => {
  vi.resetModules();
  asked = [];
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(url);
    return answer(url);
  });
});
afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function load() {
  const early = await import('./early-calls.js');
  const { sessionQuery } = await import('./session.js');
  return { ...early, sessionQuery };
}

describe('early calls', () => {
  it('signed in: the session check, then the calls; the app asks for none of them again', async () => {
    answer = (url) =>
      url.endsWith('/auth/session') ? json({ csrfToken: 't' }) : json({ models: [url] });
    const { sendEarlyCalls, adoptEarlyCalls, sessionQuery } = await load();
    sendEarlyCalls(() => [{ key: ['models', 'now-1h', 'now'], path: '/models?from=a&to=b' }]);
    const qc = new QueryClient();
    // The app's entry arrives after the boot script: it adopts what was sent, or is on its way.
    adoptEarlyCalls(qc);
    expect(await qc.fetchQuery(sessionQuery)).toEqual({ csrfToken: 't' });
    await vi.waitFor(() => expect(asked).toHaveLength(2));
    const models = await qc.fetchQuery({
      queryKey: ['models', 'now-1h', 'now'],
      queryFn: () => Promise.reject(new Error('asked again')),
      staleTime: 10_000,
    });
    expect(models).toEqual({ models: ['/api/v1/models?from=a&to=b'] });
    expect(asked).toEqual(['/api/v1/auth/session', '/api/v1/models?from=a&to=b']);
    // A later session check asks the collector again.
    await qc.refetchQueries({ queryKey: ['session'] });
    expect(asked.at(-1)).toBe('/api/v1/auth/session');
  });

  it('signed out: only the session check, and the app sees its 401', async () => {
    answer = () => json({ error: { code: 'unauthorized', message: 'sign in' } }, 401);
    const { sendEarlyCalls, adoptEarlyCalls, sessionQuery } = await load();
    const calls = vi.fn(() => [{ key: ['models'], path: '/models' }]);
    sendEarlyCalls(calls);
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    adoptEarlyCalls(qc);
    await expect(qc.fetchQuery(sessionQuery)).rejects.toMatchObject({ status: 401 });
    expect(calls).not.toHaveBeenCalled();
    expect(asked).toEqual(['/api/v1/auth/session']);
    expect(qc.getQueryCache().findAll({ queryKey: ['models'] })).toEqual([]);
  });

  it('a failed early call is the query error; the page then asks the collector itself', async () => {
    let fail = true;
    answer = (url) =>
      url.endsWith('/auth/session')
        ? json({ csrfToken: 't' })
        : fail
          ? json({ error: { code: 'unavailable', message: 'busy' } }, 503)
          : json({ hosts: [] });
    const { sendEarlyCalls, adoptEarlyCalls, sessionQuery } = await load();
    const { api } = await import('./api-client.js');
    sendEarlyCalls(() => [{ key: ['hosts'], path: '/hosts' }]);
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    adoptEarlyCalls(qc);
    await qc.fetchQuery(sessionQuery);
    await vi.waitFor(() =>
      expect(qc.getQueryState(['hosts'])?.error).toMatchObject({ status: 503 }),
    );
    fail = false;
    // What the page's hook or loader does: its own options, its own fetch.
    expect(await qc.fetchQuery({ queryKey: ['hosts'], queryFn: () => api('/hosts') })).toEqual({
      hosts: [],
    });
    expect(asked).toEqual(['/api/v1/auth/session', '/api/v1/hosts', '/api/v1/hosts']);
  });

  it('hinted: the calls go out beside the session check, before it answers', async () => {
    let answerSession: (r: Response) => void = () => {};
    const sessionAnswered = new Promise<Response>((resolve) => {
      answerSession = resolve;
    });
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return url.endsWith('/auth/session') ? sessionAnswered : json({ models: [] });
    });
    const { sendEarlyCalls, adoptEarlyCalls, sessionQuery } = await load();
    sendEarlyCalls(() => [{ key: ['models'], path: '/models' }], true);
    // Both requests are out while the session check has not answered.
    expect(asked).toEqual(['/api/v1/auth/session', '/api/v1/models']);
    const qc = new QueryClient();
    adoptEarlyCalls(qc);
    await vi.waitFor(() => expect(qc.getQueryData(['models'])).toEqual({ models: [] }));
    answerSession(json({ csrfToken: 't' }));
    expect(await qc.fetchQuery(sessionQuery)).toEqual({ csrfToken: 't' });
    expect(asked).toHaveLength(2);
  });

  it('a paged call becomes the first page of an infinite query, with the range it was asked over', async () => {
    answer = (url) =>
      url.endsWith('/auth/session')
        ? json({ csrfToken: 't' })
        : json({ traces: [{ traceId: 'a' }], nextCursor: 'c1' });
    const { sendEarlyCalls, adoptEarlyCalls } = await load();
    const range = { from: 'f', to: 't', fromMs: 1, toMs: 2 };
    sendEarlyCalls(() => [{ key: ['traces'], path: '/traces?limit=100', pageRange: range }], true);
    const qc = new QueryClient();
    adoptEarlyCalls(qc);
    // What the page's hook does: its own options; the first page must not be asked again.
    type Page = { traces: unknown[]; nextCursor?: string; range: unknown };
    const pageQuery = {
      queryKey: ['traces'],
      initialPageParam: undefined as string | undefined,
      queryFn: ({ pageParam }: { pageParam: string | undefined }): Promise<Page> =>
        pageParam ? Promise.resolve({ traces: [], range }) : Promise.reject(new Error('again')),
      getNextPageParam: (last: Page) => last.nextCursor,
      staleTime: 10_000,
    };
    await vi.waitFor(() => expect(qc.getQueryData(['traces'])).toBeDefined());
    const data = await qc.fetchInfiniteQuery(pageQuery);
    expect(data).toEqual({
      pages: [{ traces: [{ traceId: 'a' }], nextCursor: 'c1', range }],
      pageParams: [undefined],
    });
    expect(asked).toEqual(['/api/v1/auth/session', '/api/v1/traces?limit=100']);
  });

  it('the hint is read from the cookie: only its exact name and value count', async () => {
    answer = () => json({ error: { code: 'unauthorized', message: 'sign in' } }, 401);
    const { sendEarlyCalls } = await load();
    const calls = vi.fn(() => [{ key: ['models'], path: '/models' }]);
    vi.stubGlobal('document', { cookie: 'x_aiobs_signed_in=1; aiobs_signed_in=0' });
    sendEarlyCalls(calls);
    expect(calls).not.toHaveBeenCalled();
    vi.stubGlobal('document', { cookie: 'theme=dark; aiobs_signed_in=1' });
    sendEarlyCalls(calls);
    expect(calls).toHaveBeenCalledOnce();
  });

  it('next calls go out once the first answer, are given their answers, and keep the asking instant when timed', async () => {
    answer = (url) =>
      url.endsWith('/auth/session')
        ? json({ csrfToken: 't' })
        : url.endsWith('/models')
          ? json({ models: ['m1'] })
          : url.endsWith('/baselines')
            ? json({ baselines: ['b1'] })
            : json({ series: [url] });
    const { sendEarlyCalls, adoptEarlyCalls } = await load();
    const next = vi.fn((_answers: unknown[]) => [
      { key: ['series'], path: '/series', timed: true as const },
    ]);
    const before = Date.now();
    sendEarlyCalls(
      () => [
        { key: ['models'], path: '/models' },
        { key: ['baselines'], path: '/baselines' },
      ],
      true,
      next,
    );
    expect(next).not.toHaveBeenCalled();
    const qc = new QueryClient();
    adoptEarlyCalls(qc);
    await vi.waitFor(() => expect(qc.getQueryData(['series'])).toBeDefined());
    expect(next).toHaveBeenCalledWith([{ models: ['m1'] }, { baselines: ['b1'] }]);
    const series = qc.getQueryData(['series']) as { series: string[]; requestedAtMs: number };
    expect(series.series).toEqual(['/api/v1/series']);
    expect(series.requestedAtMs).toBeGreaterThanOrEqual(before);
    expect(series.requestedAtMs).toBeLessThanOrEqual(Date.now());
    expect(asked).toEqual([
      '/api/v1/auth/session',
      '/api/v1/models',
      '/api/v1/baselines',
      '/api/v1/series',
    ]);
  });

  it('no next calls after a failed first call, nor for a query the app has asked for itself', async () => {
    answer = (url) =>
      url.endsWith('/auth/session') || url.endsWith('/models')
        ? json({ ok: true })
        : json({ error: { code: 'unavailable', message: 'busy' } }, 503);
    let early = await load();
    const next = vi.fn(() => [{ key: ['series'], path: '/series' }]);
    early.sendEarlyCalls(
      () => [
        { key: ['models'], path: '/models' },
        { key: ['baselines'], path: '/baselines' },
      ],
      true,
      next,
    );
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    early.adoptEarlyCalls(qc);
    await vi.waitFor(() => expect(qc.getQueryState(['baselines'])?.status).toBe('error'));
    await Promise.resolve();
    expect(next).not.toHaveBeenCalled();

    // The app was quicker: its own query of the series is in the cache, so it is not sent.
    vi.resetModules();
    asked = [];
    answer = (url) => json({ url });
    early = await load();
    const qc2 = new QueryClient();
    early.adoptEarlyCalls(qc2);
    void qc2.prefetchQuery({ queryKey: ['series'], queryFn: () => ({ mine: true }) });
    early.sendEarlyCalls(
      () => [{ key: ['models'], path: '/models' }],
      true,
      () => [
        { key: ['series'], path: '/series' },
        { key: ['other'], path: '/other' },
      ],
    );
    await vi.waitFor(() => expect(qc2.getQueryData(['other'])).toBeDefined());
    expect(qc2.getQueryData(['series'])).toEqual({ mine: true });
    expect(asked).toEqual(['/api/v1/auth/session', '/api/v1/models', '/api/v1/other']);
  });
});
