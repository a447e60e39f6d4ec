import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { baselinesQuery, driftSeriesQuery } from './features/drift/api.js';
import { gpuSeriesQuery, gpusQuery, hostsQuery } from './features/infrastructure/api.js';
import { compareQuery, modelSeriesQuery, modelSparklinesQuery } from './features/models/api.js';
import { modelDimensionsQuery, modelsQuery, overviewSeriesQuery } from './features/overview/api.js';
import { servicesQuery, traceQuery, traceSearchQuery } from './features/traces/api.js';
import { validateTraceFilters } from './features/traces/prepare.js';
import { firstCalls, nextCalls } from './first-calls.js';
import {
  validateCompareSearch,
  validateInfraSearch,
  validateModelSearch,
  validateRangeSearch,
} from './lib/search.js';

// The boot script's calls are only of use when they are the page's own: the same query key
// (so the page finds them in the cache) and the same request. Each page query below is run
// with fetch captured, at the same instant as the boot script's.

const NOW = Date.parse('2026-12-02T12:00:00.000Z');
let asked: string[];

beforeEach(() => {
  asked = [];
  vi.spyOn(Date, 'now').mockReturnValue(NOW);
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(url);
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** What a page's query asks for: its key and the API path of its fetch. */
async function pageCall(options: { queryKey: readonly unknown[]; queryFn?: unknown }) {
  const before = asked.length;
  await (options.queryFn as (ctx: { signal: AbortSignal }) => Promise<unknown>)({
    signal: new AbortController().signal,
  });
  expect(asked.length).toBe(before + 1);
  return { key: [...options.queryKey], path: asked[before]!.replace(/^\/api\/v1/, '') };
}

describe('firstCalls: the boot script asks what the page asks', () => {
  it('Overview: the models and the fleet series', async () => {
    const raw = { from: 'now-1h', to: 'now' };
    const s = validateRangeSearch(raw);
    expect(firstCalls('/', raw, NOW)).toEqual([
      await pageCall(modelsQuery(s)),
      await pageCall(overviewSeriesQuery(s)),
    ]);
    expect(firstCalls('/', raw, NOW)[0]!.path).toBe(
      '/models?from=2026-12-02T11%3A00%3A00.000Z&to=2026-12-02T12%3A00%3A00.000Z',
    );
  });

  it('Models: the list and its sparklines, over an absolute range', async () => {
    const raw = { from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T06:00:00.000Z' };
    const s = validateRangeSearch(raw);
    expect(firstCalls('/models', raw, NOW)).toEqual([
      await pageCall(modelsQuery(s)),
      await pageCall(modelSparklinesQuery(s)),
    ]);
  });

  it('one model: its series split as the URL says, by version when it says nothing', async () => {
    for (const raw of [
      { from: 'now-6h', to: 'now', model: 'gpt-4o', groupBy: 'variant' },
      { from: 'now-6h', to: 'now', model: 'acme/chat' },
    ]) {
      const s = { ...validateRangeSearch(raw), ...validateModelSearch(raw) };
      expect(firstCalls('/models/view', raw, NOW)).toEqual([
        await pageCall(modelsQuery(s)),
        await pageCall(modelSeriesQuery(s, s.model, s.groupBy ?? 'version')),
      ]);
    }
  });

  it('Compare: the comparison itself, its drift baseline picked by the API unless named', async () => {
    const raw = { from: 'now-1h', to: 'now', model: 'gpt-4o', a: 'version:v7', b: 'version:v8' };
    const s = { ...validateRangeSearch(raw), ...validateCompareSearch(raw) };
    const [call] = firstCalls('/models/compare', raw, NOW);
    expect(call).toEqual(await pageCall(compareQuery(s, s.model, s.a, s.b, 'default')));
    expect(call!.path).toContain('baseline=default');
    const named = { ...raw, baseline: 'b-1' };
    expect(firstCalls('/models/compare', named, NOW)[0]!.path).toContain('baseline=b-1');
    // One arm missing: the page asks the user to pick it, and calls nothing.
    expect(firstCalls('/models/compare', { ...raw, b: undefined }, NOW)).toEqual([]);
  });

  it('Infrastructure: hosts, GPUs and the utilization chart of the host and GPU picked', async () => {
    const raw = { from: 'now-15m', to: 'now', host: 'gpu-host-1', gpu: 'GPU-0' };
    const s = { ...validateRangeSearch(raw), ...validateInfraSearch(raw) };
    expect(firstCalls('/infrastructure', raw, NOW)).toEqual([
      await pageCall(hostsQuery(s)),
      await pageCall(gpusQuery(s, s.host)),
      await pageCall(gpuSeriesQuery(s, 'hw.gpu.utilization', { host: s.host, gpu: s.gpu })),
    ]);
  });

  it('Drift: the models over the range and every baseline, whatever the URL names', async () => {
    for (const raw of [
      { from: 'now-7d', to: 'now' },
      { from: 'now-24h', to: 'now', model: 'gpt-4o', baseline: 'b-1' },
    ]) {
      const s = validateRangeSearch(raw);
      expect(firstCalls('/drift', raw, NOW)).toEqual([
        await pageCall(modelDimensionsQuery(s)),
        await pageCall(baselinesQuery),
      ]);
    }
    expect(firstCalls('/drift', { from: 'now-7d', to: 'now' }, NOW)[1]).toEqual({
      key: ['drift-baselines'],
      path: '/drift/baselines',
    });
  });

  it("Drift, next: the score chart's series of the model and baseline the page picks", async () => {
    const models = { models: [{ model: 'gpt-4o' }, { model: 'llama-3' }] };
    const baseline = (id: string, model: string, isDefault: boolean, createdAt: string) => ({
      id,
      model,
      isDefault,
      createdAt,
    });
    const baselines = {
      baselines: [
        baseline('b-old', 'gpt-4o', false, '2026-11-01T00:00:00.000Z'),
        baseline('b-def', 'gpt-4o', true, '2026-11-02T00:00:00.000Z'),
        baseline('b-new', 'gpt-4o', false, '2026-11-03T00:00:00.000Z'),
        baseline('b-llama', 'llama-3', false, '2026-11-03T00:00:00.000Z'),
      ],
    };
    const cases: Array<[Record<string, unknown>, string, string | undefined]> = [
      // No model named: the first of the list, with its default baseline.
      [{ from: 'now-7d', to: 'now' }, 'gpt-4o', 'b-def'],
      // The URL's baseline over the default.
      [{ from: 'now-24h', to: 'now', model: 'gpt-4o', baseline: 'b-old' }, 'gpt-4o', 'b-old'],
      [{ from: 'now-1h', to: 'now', model: 'llama-3' }, 'llama-3', 'b-llama'],
      // A model without a baseline: against the window before the range.
      [{ from: 'now-1h', to: 'now', model: 'mistral' }, 'mistral', undefined],
    ];
    for (const [raw, model, ref] of cases) {
      const s = validateRangeSearch(raw);
      expect(nextCalls('/drift', raw, NOW, [models, baselines])).toEqual([
        { ...(await pageCall(driftSeriesQuery(s, model, ref))), timed: true },
      ]);
    }
    expect(
      nextCalls('/drift', { from: 'now-1h', to: 'now' }, NOW, [models, baselines])[0]!.path,
    ).toBe(
      '/drift/series?model=gpt-4o&from=2026-12-02T11%3A00%3A00.000Z&to=2026-12-02T12%3A00%3A00.000Z&measure=psi&baseline=b-def',
    );
    // Nothing served and no baseline: the page has no model to show, so nothing is asked.
    expect(
      nextCalls('/drift', { from: 'now-1h', to: 'now' }, NOW, [{ models: [] }, { baselines: [] }]),
    ).toEqual([]);
    // Other pages wait for nothing.
    expect(nextCalls('/models', { from: 'now-1h', to: 'now' }, NOW, [models])).toEqual([]);
  });

  it('Traces: the services and the first page of the search, with the range it was asked over', async () => {
    const raws: Record<string, unknown>[] = [
      { from: 'now-1h', to: 'now' },
      {
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-01T06:00:00.000Z',
        service: 'chat-api',
        model: 'gpt-4o',
        status: 'error',
        minMs: 250,
        attr: ['tenant=acme'],
        sort: 'duration',
        project: 'shop',
      },
    ];
    for (const raw of raws) {
      // The route's search as the router builds it: the URL's params, each route's validated
      // ones over them.
      const s = { ...raw, ...validateRangeSearch(raw), ...validateTraceFilters(raw) };
      const calls = firstCalls('/traces', raw, NOW);
      const search = traceSearchQuery(s);
      const before = asked.length;
      const page = await (search.queryFn as (ctx: unknown) => Promise<{ range: unknown }>)({
        pageParam: undefined,
        signal: new AbortController().signal,
      });
      expect(calls).toEqual([
        await pageCall(servicesQuery(s)),
        {
          key: [...search.queryKey],
          path: asked[before]!.replace(/^\/api\/v1/, ''),
          pageRange: page.range,
        },
      ]);
    }
  });

  it('Traces: the next page keeps the first page’s range and asks from its cursor', async () => {
    const raw = { from: 'now-1h', to: 'now', service: 'chat-api' };
    const search = traceSearchQuery({ ...validateRangeSearch(raw), ...validateTraceFilters(raw) });
    const [first] = firstCalls('/traces', raw, NOW).slice(1);
    const range = first!.pageRange!;
    vi.mocked(Date.now).mockReturnValue(NOW + 60_000);
    await (search.queryFn as (ctx: unknown) => Promise<unknown>)({
      pageParam: { range, cursor: 'c1' },
      signal: new AbortController().signal,
    });
    expect(asked.at(-1)).toBe(`/api/v1${first!.path.replace('limit=100', 'limit=100&cursor=c1')}`);
  });

  it('one trace: its spans, for a well-formed id only', async () => {
    const id = '88948b62f0d48ee465d1792d9dd66cd2';
    expect(firstCalls('/traces/view', { from: 'now-1h', to: 'now', id }, NOW)).toEqual([
      await pageCall(traceQuery(id)),
    ]);
    expect(firstCalls('/traces/view', { id: 'not-an-id' }, NOW)).toEqual([]);
  });

  it('an unreadable range asks for the last hour, as the page does', async () => {
    const raw = { from: 'yesterday', to: 'now' };
    const [models] = firstCalls('/', raw, NOW);
    expect(models).toEqual(await pageCall(modelsQuery(validateRangeSearch(raw))));
    expect(models!.key).toEqual(['models', 'now-1h', 'now']);
  });

  it('other pages: nothing early (their loaders send their calls)', () => {
    for (const path of ['/alerts', '/settings', '/nowhere'])
      expect(firstCalls(path, { from: 'now-1h', to: 'now' }, NOW)).toEqual([]);
  });
});
