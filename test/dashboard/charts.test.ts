import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import { axeViolations, launchBrowser, screenshot, signIn, watchProblems } from './browser.js';
import { type SeedSpan, sendSpans, waitFor } from './seed.js';

// A time chart in Chromium where one line has a single point between gaps: a canary's first
// minute. A line draws nothing for a lone point, so the chart marks it with a dot in the
// line's colour, and only there (the steady line gets none).

const MIN = 60_000;
const MODEL = 'solo/chat';
const CACHED = 'cached/chat';
let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;

beforeAll(async () => {
  c = await startCollector();
  const now = Date.now();
  const span = (version: string, startMs: number, durationMs: number, model = MODEL): SeedSpan => ({
    model,
    version,
    variant: 'control',
    startMs,
    durationMs,
    inputTokens: 10,
    outputTokens: 5,
  });
  // v1 every 30 s from 30 to 10 minutes ago (100-178 ms); v2 once, 5 minutes ago.
  const spans = Array.from({ length: 40 }, (_, i) =>
    span('v1', now - 30 * MIN + i * 30_000, 100 + 2 * i),
  );
  spans.push(span('v2', now - 5 * MIN, 900));
  // Another model whose spans say whether the cache answered: 1 hit in 4.
  for (let i = 0; i < 4; i++)
    spans.push({ ...span('c1', now - 20 * MIN + i * MIN, 50, CACHED), cacheHit: i === 0 });
  await sendSpans(c, 'solo-api', spans);
  await waitFor(async () => {
    const m = await c.api<{ models: Array<{ requests: number }> }>('/api/v1/models');
    return m.models.reduce((n, x) => n + x.requests, 0) === 45;
  }, 'the seeded inferences to be queryable');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  problems = watchProblems(page);
  await signIn(page, c.url, c.adminToken);
});
afterAll(async () => {
  await browser?.close();
  expect(await c.stop()).toBe(0);
});

describe('time charts', () => {
  test('a lone point gets a dot in its line’s colour; a continuous line gets none', async () => {
    await page.goto(`${c.url}/models/view?model=${encodeURIComponent(MODEL)}&from=now-1h&to=now`);
    const chart = page.getByRole('region', { name: 'Latency p95 by version' });
    await chart.locator('.recharts-line path.recharts-curve').first().waitFor();
    const dots = chart.locator('circle.isolated-point');
    await expect.poll(() => dots.count()).toBe(1);
    // The dot is v2's: the legend's second entry, drawn in the second line's colour.
    expect(await chart.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'v1',
      'v2',
    ]);
    const v2Stroke = await chart
      .locator('.recharts-line path.recharts-curve')
      .nth(1)
      .getAttribute('stroke');
    expect(await dots.getAttribute('fill')).toBe(v2Stroke);
    // At v2's latency (900 ms), above every point of v1's line (at most 178 ms): smaller y
    // is higher on screen.
    const v1Path = await chart
      .locator('.recharts-line path.recharts-curve')
      .first()
      .getAttribute('d');
    const v1Ys = [...(v1Path ?? '').matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    expect(v1Ys.length).toBeGreaterThan(10);
    expect(Number(await dots.getAttribute('cy'))).toBeLessThan(Math.min(...v1Ys));
    // No span reported a cache hit: the figure says none rather than 0%, as its chart does.
    expect(await page.getByTestId('model-cache-hit-rate').textContent()).toBe('—');
    await screenshot(page, 'chart-lone-point');
    expect(await axeViolations(page)).toEqual([]);
    expect(problems.list).toEqual([]);
  });

  test('a model whose spans report cache hits shows its hit rate', async () => {
    await page.goto(`${c.url}/models/view?model=${encodeURIComponent(CACHED)}&from=now-1h&to=now`);
    await expect.poll(() => page.getByTestId('model-cache-hit-rate').textContent()).toBe('25.0%');
    const chart = page.getByRole('region', { name: 'Cache hit rate by version' });
    await chart
      .locator('.recharts-line path.recharts-curve')
      .first()
      .waitFor({ state: 'attached' });
    expect(problems.list).toEqual([]);
  });
});
