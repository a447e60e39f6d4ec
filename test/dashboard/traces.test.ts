import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import {
  axeViolations,
  cssValue,
  launchBrowser,
  screenshot,
  signIn,
  watchProblems,
} from './browser.js';
import { waitFor } from './seed.js';
import { GPU_HOST, type SeededTrace, seedGpus, seedTraces } from './seed-fleet.js';

// The Traces page in Chromium against a seeded collector: the search lists the seeded traces
// and plots them, the filters narrow them as the URL says, a point opens the trace, and the
// trace view shows the waterfall across three services, the failing span's error and the
// GPUs of its host at that minute.

const MIN = 60_000;
let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
let traces: SeededTrace[];
const now = Date.now();

beforeAll(async () => {
  c = await startCollector();
  traces = await seedTraces(c, now - 30 * MIN, 12);
  await seedGpus(c, now - 45 * MIN, now);
  await waitFor(async () => {
    const [m, g, t] = await Promise.all([
      c.api<{ models: Array<{ requests: number }> }>('/api/v1/models'),
      c.api<{ gpus: unknown[] }>(`/api/v1/gpus?from=${now - 60 * MIN}`),
      c.api<{ traces: unknown[] }>('/api/v1/traces?limit=100'),
    ]);
    return m.models[0]?.requests === 12 && g.gpus.length === 2 && t.traces.length === 12;
  }, 'the seeded traces, inferences and GPUs to be queryable');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  problems = watchProblems(page);
  await signIn(page, c.url, c.adminToken);
});
afterAll(async () => {
  await browser?.close();
  expect(await c.stop()).toBe(0);
});

async function expectClean(name: string) {
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  expect(problems.list, `problems on ${name}`).toEqual([]);
}

/** Polls with room for a lazy chunk and a few queries on a busy machine. */
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 15_000 });
const rows = () => page.getByTestId('traces-table').locator('tbody tr');

/**
 * The API calls of the current document matching `pattern` (paths) and whether each was sent
 * before the app's entry script ran: the boot script's early calls are, the app's are not.
 */
function apiCalls(pattern: RegExp) {
  return page.evaluate((source) => {
    const re = new RegExp(source);
    const main = performance.getEntriesByName('aiobs:main')[0]?.startTime ?? Infinity;
    return performance
      .getEntriesByType('resource')
      .map((e) => ({ path: new URL(e.name).pathname, early: e.startTime < main }))
      .filter((c) => re.test(c.path));
  }, pattern.source);
}

describe('Traces page', () => {
  test('lists and plots every seeded trace, newest first', async () => {
    await page.goto(`${c.url}/traces?from=now-1h&to=now`);
    await poll(() => rows().count()).toBe(12);
    const newest = traces[traces.length - 1]!;
    expect(await rows().first().getAttribute('data-trace')).toBe(newest.traceId);
    expect(await rows().first().getByTestId('trace-duration').textContent()).toBe('650 ms');
    expect(await rows().first().textContent()).toContain('chat-api, gateway, retriever');
    expect(await rows().first().textContent()).toContain('2 errors');
    // 11 ok traces and the one that failed, as separate series.
    const scatter = page.getByTestId('latency-scatter');
    await expect
      .poll(() => scatter.locator('.recharts-scatter').nth(0).locator('.recharts-symbols').count())
      .toBe(11);
    expect(
      await scatter.locator('.recharts-scatter').nth(1).locator('.recharts-symbols').count(),
    ).toBe(1);
    expect((await scatter.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual([
      'error',
      'ok',
    ]);
    expect(await scatter.locator('.recharts-label').first().textContent()).toContain(
      'duration (ms',
    );
    // 100-650 ms on a log axis: 1-2-5 labels, not the library's 100, 200 ... 800 that crowd
    // the top of the decade.
    await expect
      .poll(() =>
        scatter
          .locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')
          .allTextContents(),
      )
      .toEqual(['100 ms', '200 ms', '500 ms']);
    // The boot script asked for the services and the first page while the app's code loaded,
    // and the app took those answers instead of asking again.
    expect(await apiCalls(/^\/api\/v1\/(traces|services)$/)).toEqual([
      { path: '/api/v1/services', early: true },
      { path: '/api/v1/traces', early: true },
    ]);
    await expectClean('traces');
  });

  test('filter traces and open one: the URL holds the filters, a scatter point opens the trace', async () => {
    await page.getByLabel('Service').selectOption('chat-api');
    await page.getByLabel('Model').selectOption('acme/chat');
    await page.getByLabel('Version').fill('v2');
    await page.getByLabel('Min duration (ms)').fill('300');
    await page.getByLabel(/Attributes/).fill('user.tier=free');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/model=acme%2Fchat/);
    const url = new URL(page.url());
    expect(url.searchParams.get('service')).toBe('chat-api');
    expect(url.searchParams.get('version')).toBe('v2');
    // v2 (odd i), free tier (i not a multiple of 3), ≥ 300 ms (i ≥ 4): i = 5, 7, 11.
    const want = traces.filter(
      (t) => t.version === 'v2' && t.tier === 'free' && t.durationMs >= 300,
    );
    expect(want.map((t) => t.durationMs)).toEqual([350, 450, 650]);
    await poll(() => rows().count()).toBe(3);
    expect(await rows().getByTestId('trace-duration').allTextContents()).toEqual([
      '650 ms',
      '450 ms',
      '350 ms',
    ]);
    // The same search again from the shared link.
    await page.goto(url.toString());
    await poll(() => rows().count()).toBe(3);
    expect(await page.getByLabel('Version').inputValue()).toBe('v2');
    // A filter matching nothing says so and what to do.
    await page.getByLabel('Status').selectOption('ok');
    await page.getByLabel('Min duration (ms)').fill('600');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No traces match these filters').waitFor();
    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => rows().count()).toBe(1);
    // Click the failing trace's point (the error series is drawn last; an empty one is not drawn).
    const failed = traces[traces.length - 1]!;
    await page
      .getByTestId('latency-scatter')
      .locator('.recharts-scatter')
      .last()
      .locator('.recharts-symbols')
      .first()
      .click();
    await page.waitForURL(new RegExp(`/traces/view\\?.*id=${failed.traceId}`));
    await expect
      .poll(() => page.getByTestId('trace-summary').textContent())
      .toContain('3 spans across 3 services, 650 ms');
    await expectClean('filtered traces');
  });

  test('the trace view: waterfall, the failing span’s error and attributes, its host’s GPUs', async () => {
    const wf = page.getByTestId('waterfall');
    expect(await wf.locator('.legend li').allTextContents()).toEqual([
      'gateway',
      'chat-api',
      'retriever',
    ]);
    const spans = wf.locator('.waterfall-row');
    expect(await spans.count()).toBe(3);
    expect(await spans.nth(0).textContent()).toContain('POST /chat');
    expect(await spans.nth(1).textContent()).toContain('chat acme/chat');
    expect(await spans.nth(2).textContent()).toContain('retrieve');
    // Children are indented under their parents.
    const indent = (i: number) => cssValue(spans.nth(i).locator('.waterfall-label'), 'paddingLeft');
    expect([await indent(0), await indent(1), await indent(2)]).toEqual(['0px', '14px', '28px']);
    // Keyboard: the first row has focus after a click; ArrowDown selects the inference span.
    await spans.nth(0).click();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/span=/);
    const details = page.getByTestId('span-details');
    await poll(() => details.locator('h3').textContent()).toContain('chat acme/chat');
    expect(await details.getByTestId('span-duration').textContent()).toBe('630 ms');
    expect(await details.textContent()).toContain('RateLimitError: rate limit exceeded (429)');
    expect(await details.textContent()).toContain('gen_ai.request.model');
    expect(await details.textContent()).toContain(GPU_HOST);
    // GPUs of gpu-node-1 at that minute: the seeded constant utilizations.
    const gpus = page.getByTestId('trace-gpus');
    await expect
      .poll(() => gpus.getByTestId('gpu-util').allTextContents())
      .toEqual(['50.0%', '80.0%']);
    expect(await gpus.textContent()).toContain('61 °C');
    expect(await gpus.textContent()).toContain('420 W');
    await expectClean('trace view');
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.reload();
      await page.getByTestId('trace-gpus').waitFor();
      // Opened by its URL: the boot script asked for the trace's spans, once.
      expect(await apiCalls(/^\/api\/v1\/traces\/[0-9a-f]{32}$/)).toEqual([
        { path: expect.stringMatching(/^\/api\/v1\/traces\//), early: true },
      ]);
      await screenshot(page, `${theme}-trace-view`);
      await page.goto(`${c.url}/traces?from=now-1h&to=now`);
      await poll(() => rows().count()).toBe(12);
      await screenshot(page, `${theme}-traces`);
      await expectClean(`traces (${theme})`);
      await page.goBack();
    }
  }, 180_000);

  test('from a filtered search: the span’s model opens its page, the breadcrumb keeps the filters', async () => {
    const search = 'from=now-1h&to=now&service=chat-api&status=error&attr=user.tier%3Dgold';
    await page.goto(`${c.url}/traces?${search}`);
    // The failing trace is the last seeded (i = 11: not a multiple of 3, so free tier): with
    // the gold filter nothing matches; without it, that one trace.
    await page.getByText('No traces match these filters').waitFor();
    await page.getByLabel(/Attributes/).fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await poll(() => rows().count()).toBe(1);
    const failed = traces[traces.length - 1]!;
    await rows().first().getByRole('link', { name: 'POST /chat' }).click();
    await page.waitForURL(new RegExp(`/traces/view\\?.*id=${failed.traceId}`));
    const kept = (u: string) => {
      const p = new URL(u).searchParams;
      return [p.get('service'), p.get('status'), p.get('attr')];
    };
    expect(kept(page.url())).toEqual(['chat-api', 'error', null]);
    // Selecting the inference span keeps them too.
    const wf = page.getByTestId('waterfall');
    await wf.locator('.waterfall-row').nth(1).click();
    await page.waitForURL(/span=/);
    expect(kept(page.url())).toEqual(['chat-api', 'error', null]);
    const details = page.getByTestId('span-details');
    await poll(() => details.locator('h3').textContent()).toContain('chat acme/chat');
    const model = details.getByTestId('span-model');
    expect(await model.textContent()).toBe('acme/chat');
    // Back to the search: the same filters, the same single result.
    await page.locator('.crumbs').getByRole('link', { name: 'Traces' }).click();
    await page.waitForURL(/\/traces\?/);
    expect(kept(page.url())).toEqual(['chat-api', 'error', null]);
    expect(new URL(page.url()).searchParams.get('from')).toBe('now-1h');
    await poll(() => rows().count()).toBe(1);
    expect(await rows().first().getAttribute('data-trace')).toBe(failed.traceId);
    expect(await page.getByLabel('Status').inputValue()).toBe('error');
    await expectClean('trace breadcrumb');
    // The span's model link opens the model page over the range that holds the span.
    await page.goBack();
    await model.waitFor();
    await model.click();
    await page.waitForURL(/\/models\/view\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('model')).toBe('acme/chat');
    expect(url.searchParams.get('from')).toBe('now-1h');
    await page.getByRole('heading', { level: 1, name: 'acme/chat' }).waitFor();
  });

  test('an unknown trace id says it is not stored; a range without traces offers the SDK', async () => {
    problems.allow(/404 GET .*\/api\/v1\/traces\/0{32}/);
    problems.allow(/status of 404/);
    await page.goto(`${c.url}/traces/view?id=${'0'.repeat(32)}`);
    await page.getByText('No span of this trace is stored').waitFor();
    const empty = `from=${new Date(now - 300 * MIN).toISOString()}&to=${new Date(now - 240 * MIN).toISOString()}`;
    await page.goto(`${c.url}/traces?${empty}`);
    await page.getByText('No traces in this range').waitFor();
    await page.getByText('npm run demo').waitFor();
    await expectClean('empty traces');
  });
});
