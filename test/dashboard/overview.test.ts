import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import {
  axeViolations,
  holdRequests,
  launchBrowser,
  screenshot,
  signIn,
  watchProblems,
} from './browser.js';
import { type SeedSpan, sendSpans, waitFor } from './seed.js';
import { GPU_HOST, GPUS, seedFeatures, seedFeedback, seedGpus } from './seed-fleet.js';

// The Overview's operational panels in Chromium: a latency rule firing on the seeded chat
// spans, the GPU fleet of one host with two GPUs (constant figures), and what changed marked
// on the charts: acme/chat's v2 (a dashed line) and the stored drift verdicts of fraud-xgb,
// whose v2 shifts `amount` by 50 (a shaded area). The drift job runs every 10 s here, so its
// stored windows cover the last two minutes: v2's values are seeded there.

const MIN = 60_000;
const DRIFT_MODEL = 'fraud-xgb';
let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
let now: number;
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

/** 20 requests of v1 at about 200 ms, then 10 of v2 at about 400 ms from 10 minutes ago. */
function chatSpans(): SeedSpan[] {
  const spans: SeedSpan[] = [];
  for (let i = 0; i < 30; i++)
    spans.push({
      model: 'acme/chat',
      version: i < 20 ? 'v1' : 'v2',
      variant: 'control',
      startMs: i < 20 ? now - 30 * MIN + i * 30_000 : now - 10 * MIN + (i - 20) * 30_000,
      durationMs: i < 20 ? 200 + i : 400 + i,
      inputTokens: 100,
      outputTokens: 20,
    });
  return spans;
}

beforeAll(async () => {
  c = await startCollector({ args: ['--drift-interval', '10', '--drift-min-samples', '10'] });
  now = Date.now();
  const country = (i: number) => (i % 2 === 0 ? 'FR' : 'DE');
  const label = (i: number) => (i % 3 === 0 ? 'fraud' : 'ok');
  const flip = (i: number) => (label(i) === 'fraud' ? 'ok' : 'fraud');
  await Promise.all([
    sendSpans(c, 'chat-api', chatSpans()),
    seedGpus(c, now - 20 * MIN, now),
    seedFeatures(
      c,
      DRIFT_MODEL,
      'v1',
      now - 55 * MIN,
      now - 35 * MIN,
      150,
      (i) => i % 100,
      country,
      label,
    ),
    seedFeatures(
      c,
      DRIFT_MODEL,
      'v2',
      now - 90_000,
      now - 10_000,
      150,
      (i) => 50 + (i % 100),
      country,
      label,
    ),
  ]);
  // Feedback for every prediction: v1 wrong on 1 in 10 (90% right), v2 on 2 in 5 (60%).
  await Promise.all([
    seedFeedback(c, DRIFT_MODEL, 'v1', 150, (i) => (i % 10 === 0 ? flip(i) : label(i)), now),
    seedFeedback(c, DRIFT_MODEL, 'v2', 150, (i) => (i % 5 < 2 ? flip(i) : label(i)), now),
  ]);
  await waitFor(async () => {
    const [m, g] = await Promise.all([
      c.api<{ models: Array<{ requests: number }> }>('/api/v1/models'),
      c.api<{ gpus: unknown[] }>(`/api/v1/gpus?from=${now - 30 * MIN}`),
    ]);
    return m.models.reduce((s, x) => s + x.requests, 0) === 330 && g.gpus.length === 2;
  }, 'the seeded inferences and GPUs to be queryable');
  // The default baseline is what the drift job compares against; the job's next run stores
  // the windows of the last two minutes.
  await c.api('/api/v1/drift/baselines', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'v1', model: DRIFT_MODEL, version: 'v1', default: true }),
  });
  await c.api('/api/v1/alert-rules', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'chat p95 latency',
      signal: { kind: 'latency', quantile: 0.95, model: 'acme/chat' },
      window: '1h',
      condition: { op: '>', threshold: 300 },
      for: '0s',
      interval: '2s',
    }),
  });
  await waitFor(
    async () => {
      // Stored results read directly: /drift/series would compute windows on every poll
      // until the job has stored some.
      const [alerts, drift] = await Promise.all([
        c.api<{ alerts: unknown[] }>('/api/v1/alerts?state=firing'),
        c.api<{ rows: Array<{ n: string | number }> }>('/api/v1/query', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            sql: `SELECT count() AS n FROM aiobs_drift_results WHERE model = '${DRIFT_MODEL}' AND measure = 'auto' AND verdict = 'drift'`,
          }),
        }),
      ]);
      return alerts.alerts.length === 1 && Number(drift.rows[0]?.n) > 0;
    },
    'the rule to fire and the drift job to store a drifted window',
    45_000,
  );
  browser = await launchBrowser();
  page = await browser.context.newPage();
  problems = watchProblems(page);
  await signIn(page, c.url, c.adminToken);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  expect(await c?.stop()).toBe(0);
});

async function expectClean(name: string) {
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  expect(problems.list, `problems on ${name}`).toEqual([]);
}

describe('Overview: alerts, GPU fleet and what changed', () => {
  test('the firing rule, with its severity, links to the Alerts page', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const row = page.getByTestId('firing-alerts').locator('tr[data-rule="chat p95 latency"]');
    await poll(() => row.textContent()).toContain('critical');
    expect(
      await page
        .getByRole('region', { name: /Firing alerts/ })
        .getByRole('heading')
        .textContent(),
    ).toBe('Firing alerts (1)');
    // Its value is the p95 of the window: v2's spans (420–429 ms), above the 300 ms threshold.
    const value = Number(await row.locator('td.num').textContent());
    expect(value).toBeGreaterThanOrEqual(400);
    expect(value).toBeLessThanOrEqual(430);
    expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await row.getByRole('link', { name: 'chat p95 latency' }).click();
    await page.waitForURL(/\/alerts\?/);
    await poll(() =>
      page.getByTestId('alerts-table').locator('tr[data-rule="chat p95 latency"]').textContent(),
    ).toContain('firing');
    await expectClean('alerts from the overview');
  });

  test('the GPU fleet: hosts, GPUs, utilization, memory, the hottest GPU, throttling', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    await poll(() => page.getByTestId('fleet-gpus').textContent()).toBe('2');
    expect(await page.getByTestId('fleet-hosts').textContent()).toBe('1');
    // GPU 0 at 50%, GPU 1 at 80%.
    expect(await page.getByTestId('fleet-util').textContent()).toBe('mean65.0%max80.0%');
    // 40 GB + 60 GB = 100e9 bytes = 93.1 GiB.
    expect(await page.getByTestId('fleet-memory').textContent()).toBe('93.1 GiB');
    const hottest = page.getByTestId('fleet-hottest');
    expect(await hottest.textContent()).toBe(`${GPUS[1].temp} °C`);
    expect(await hottest.locator('xpath=..').textContent()).toContain(`${GPU_HOST} GPU 1`);
    expect(await page.getByTestId('fleet-throttling').textContent()).toBe('0');
    await expectClean('overview fleet');
  });

  test('a new version and the drift verdicts are marked on the charts and listed', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const latency = page.getByRole('region', { name: 'Latency' });
    await latency.locator('.recharts-line path').first().waitFor();
    // The version line: its marker's hover text names it, and it sits at v2's first span
    // (10 minutes before the end of a 1-hour axis).
    const markers = latency.locator('text.annotation-marker');
    await poll(async () => (await markers.locator('title').allTextContents()).join('\n')).toMatch(
      /drift in fraud-xgb: amount/,
    );
    const grid = (await latency.locator('.recharts-cartesian-grid').boundingBox())!;
    const line = latency
      .locator('.recharts-reference-line')
      .filter({ has: page.locator('title', { hasText: 'version v2 of acme/chat' }) });
    const at = ((await line.boundingBox())!.x - grid.x) / grid.width;
    // 50 of the axis's 60 minutes, less the minutes the setup took.
    expect(at).toBeGreaterThan(0.7);
    expect(at).toBeLessThan(0.86);
    // The drift: a shaded area at the right edge (the last two minutes), named by its marker.
    const area = latency
      .locator('.recharts-reference-area')
      .filter({ has: page.locator('title', { hasText: /^drift in fraud-xgb: amount/ }) });
    expect(((await area.first().boundingBox())!.x - grid.x) / grid.width).toBeGreaterThan(0.9);
    // The list explains each marker with the number the chart shows.
    const chartMarker = async (el: typeof line) => {
      const text = el.locator('text.annotation-marker');
      const title = (await text.locator('title').textContent()) ?? '';
      return (await text.textContent())?.replace(title, '');
    };
    const listMarker = (kind: string, text: RegExp) =>
      page
        .getByTestId('changes')
        .locator(`li[data-kind="${kind}"]`)
        .filter({ hasText: text })
        .first()
        .locator('.annotation-marker')
        .textContent();
    expect(await listMarker('change', /version v2 of acme\/chat/)).toBe(await chartMarker(line));
    expect(await listMarker('drift', /drift in fraud-xgb/)).toBe(await chartMarker(area.first()));
    expect(
      await page.getByTestId('changes').locator('li[data-kind="drift"]').first().textContent(),
    ).toMatch(/drift in fraud-xgb: amount · v2 \(\d\d:\d\d–\d\d:\d\d UTC\)/);
    expect(await page.getByTestId('annotation-legend').textContent()).toContain('moderate drift');
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.reload();
      await latency.locator('.recharts-reference-area').first().waitFor();
      await poll(() => page.locator('[role="status"].state-loading').count()).toBe(0);
      await screenshot(page, `${theme}-overview-annotations`);
      await expectClean(`overview annotations (${theme})`);
    }
  }, 120_000);

  test('the model page: accuracy from feedback and the stored drift verdicts by version', async () => {
    await page.goto(`${c.url}/models/view?model=${DRIFT_MODEL}&from=now-1h&to=now`);
    const quality = page.getByRole('region', { name: 'Quality from feedback by version' });
    await quality.scrollIntoViewIfNeeded();
    const row = (arm: string) =>
      page.getByTestId('quality-table').locator(`tr[data-arm="${arm}"]`).textContent();
    // Predictions, share with feedback, accuracy: 135 of 150 and 90 of 150 right.
    await poll(() => row('v1')).toMatch(/^v1150100\.0%90\.0%/);
    expect(await row('v2')).toMatch(/^v2150100\.0%60\.0%/);
    await quality.locator('.recharts-line path').first().waitFor();
    expect(await quality.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'v1',
      'v2',
    ]);
    const drift = page.getByRole('region', { name: 'Drift by version' });
    await drift.scrollIntoViewIfNeeded();
    // The job stored windows of the last minutes only: v2's, whose `amount` moved by 50.
    const v2 = drift.getByTestId('drift-by-arm').locator('tr[data-arm="v2"]');
    await poll(() => v2.textContent()).toContain('amount');
    expect(await v2.locator('td').nth(1).textContent()).toBe('amount');
    expect(await drift.textContent()).toContain('Against the default baseline “v1”');
    await expectClean('model quality and drift');
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.reload();
      await quality.scrollIntoViewIfNeeded();
      await quality.locator('.recharts-line path').first().waitFor();
      await drift.scrollIntoViewIfNeeded();
      await drift.getByTestId('drift-by-arm').waitFor();
      await screenshot(page, `${theme}-model-quality`);
      await expectClean(`model quality (${theme})`);
    }
  }, 120_000);

  test('no errors in the range: the error-rate card and its chart both say 0 %', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    await poll(() => page.getByTestId('error-rate').textContent()).toBe('0.0%');
    // The chart drew its line at 0 instead of saying "No data" beside a 0.0% card.
    const panel = page.getByRole('region', { name: 'Error rate' });
    // Drawn when near the viewport.
    await panel.scrollIntoViewIfNeeded();
    // A flat line at 0 has no height: Playwright calls it hidden, so wait for it to exist.
    await panel
      .locator('.recharts-line path.recharts-curve[d^="M"]')
      .first()
      .waitFor({ state: 'attached' });
    expect(await panel.textContent()).not.toContain('No data');
    // The axis of an all-zero error rate stops at 100 %, not at recharts' default 400 %.
    await panel.getByText('100.0%').waitFor({ state: 'attached' });
    const ticks = (await panel.locator('svg text').allTextContents()).filter((t) =>
      t.endsWith('%'),
    );
    expect(ticks.at(-1)).toBe('100.0%');
    await expectClean('overview error rate');
  });

  test('while the models load, the page is a skeleton of its panels, aria-busy', async () => {
    const release = await holdRequests(page, /\/api\/v1\/models\?/);
    try {
      await page.goto(`${c.url}/?from=now-1h&to=now`);
      const skeleton = page.locator('main [aria-busy="true"]');
      await skeleton.waitFor();
      expect(await skeleton.getAttribute('data-testid')).toBe('page-skeleton');
      // Screen readers hear what loads; the grey shapes are hidden from them.
      expect(await skeleton.getByRole('status').textContent()).toBe('Loading models…');
      expect(await skeleton.locator('.stat').count()).toBe(5);
      expect(await skeleton.locator('.panel .skeleton-block').count()).toBe(4);
      expect(await page.locator('main .recharts-surface').count()).toBe(0);
      await expectClean('overview skeleton');
    } finally {
      await release();
    }
    await page
      .getByRole('region', { name: 'Requests per second' })
      .locator('.recharts-line path.recharts-curve[d^="M"]')
      .waitFor();
    expect(await page.locator('main [aria-busy="true"]').count()).toBe(0);
  });

  test('a chart panel below the fold is drawn once scrolled into view', async () => {
    const height = 600;
    await page.setViewportSize({ width: 1400, height });
    try {
      await page.goto(`${c.url}/?from=now-1h&to=now`);
      const line = '.recharts-line path.recharts-curve[d^="M"]';
      await page.getByRole('region', { name: 'Requests per second' }).locator(line).waitFor();
      const tokens = page.getByRole('region', { name: 'Tokens per second' });
      // Below the fold, beyond the 200 px the panels are drawn ahead of the scroll.
      expect((await tokens.boundingBox())!.y).toBeGreaterThan(height + 200);
      // The other panels' answer is the same one, so the data is there: only the drawing waits.
      await poll(() => page.locator('[role="status"].state-loading').count()).toBe(0);
      expect(await tokens.locator('.not-drawn').count()).toBe(1);
      expect(await tokens.locator('.recharts-surface').count()).toBe(0);
      await tokens.scrollIntoViewIfNeeded();
      await tokens.locator(line).waitFor();
      expect(await tokens.locator('.recharts-legend-item-text').allTextContents()).toEqual([
        'tokens/s',
      ]);
      expect(await tokens.locator('.recharts-label').first().textContent()).toContain('tokens/s');
      await expectClean('overview scrolled');
    } finally {
      await page.setViewportSize({ width: 1400, height: 1000 });
    }
  });

  test('a range without data: the alert still shows, the fleet says how to install the agent', async () => {
    const old = `from=${new Date(now - 180 * MIN).toISOString()}&to=${new Date(now - 120 * MIN).toISOString()}`;
    await page.goto(`${c.url}/?${old}`);
    await page.getByText('No inference spans in this range').waitFor();
    await page.getByText('No host reported in this range').waitFor();
    expect(await page.getByRole('region', { name: 'GPU fleet' }).textContent()).toContain(
      'aiobs-agent install',
    );
    await poll(() => page.getByTestId('firing-alerts').textContent()).toContain('chat p95 latency');
    await expectClean('empty overview with alerts');
  });
});

/** A line that recharts drew (a path with points). */
const LINE = '.recharts-line path.recharts-curve[d^="M"]';
/** The numbers of a cell's text (`215 ms` → 215, `0.0083` → 0.0083). */
const num = (text: string | null) => Number.parseFloat((text ?? '').replace(/[^0-9.]/g, ''));
const legend = async (region: ReturnType<Page['getByRole']>) =>
  (await region.locator('.recharts-legend-item-text').allTextContents()).sort();

describe('Overview: per model', () => {
  test('the per-model table: each seeded model with its rates, latencies and cost', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const table = page.getByTestId('model-table');
    const rows = table.locator('tbody tr');
    await poll(() => rows.count()).toBe(2);
    // Busiest first: fraud-xgb's 300 predictions, then acme/chat's 30 chats.
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model')))).toEqual(
      [DRIFT_MODEL, 'acme/chat'],
    );
    const cell = (model: string, col: string) =>
      table.locator(`tr[data-model="${model}"] td[data-col="${col}"]`).textContent();
    // 30 requests over the hour (the answered range may be a minute longer, aligned).
    const rps = num(await cell('acme/chat', 'rps'));
    expect(rps).toBeGreaterThanOrEqual(30 / 3660 - 0.0001);
    expect(rps).toBeLessThanOrEqual(30 / 3600 + 0.0001);
    // 20 spans of v1 at 200–219 ms, 10 of v2 at 420–429 ms.
    const p50 = num(await cell('acme/chat', 'p50'));
    expect(p50).toBeGreaterThanOrEqual(200);
    expect(p50).toBeLessThanOrEqual(220);
    for (const q of ['p95', 'p99']) {
      const v = num(await cell('acme/chat', q));
      expect(v, q).toBeGreaterThanOrEqual(420);
      expect(v, q).toBeLessThanOrEqual(430);
    }
    expect(await cell('acme/chat', 'errors')).toBe('0.0%');
    // No stream reported a first token.
    expect(await cell('acme/chat', 'ttft-p50')).toBe('—');
    // 120 tokens per request: 3,600 tokens over the hour, about 1 a second.
    const tps = num(await cell('acme/chat', 'tps'));
    expect(tps).toBeGreaterThanOrEqual(0.95);
    expect(tps).toBeLessThanOrEqual(1);
    // Tokens without a price: no cost rather than a free $0.00.
    expect(await cell('acme/chat', 'cost')).toBe('—');
    // fraud-xgb: 300 predictions of 5 ms, no tokens.
    expect(await cell(DRIFT_MODEL, 'p95')).toBe('5.0 ms');
    const fraudRps = num(await cell(DRIFT_MODEL, 'rps'));
    expect(fraudRps).toBeGreaterThanOrEqual(300 / 3660 - 0.001);
    expect(fraudRps).toBeLessThanOrEqual(300 / 3600 + 0.001);
    expect(await cell(DRIFT_MODEL, 'tps')).toBe('0');
    expect(await cell(DRIFT_MODEL, 'cost')).toBe('$0.00');
    // The headline cost has none to show: the one model with tokens has no price.
    expect(await page.getByTestId('total-cost').textContent()).toBe('—');
    // The cost panel agrees: no price is "—" with no share, listed after the priced models.
    const costRows = page.getByTestId('cost-table').locator('tbody tr');
    expect(
      await costRows.evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      ),
    ).toEqual([
      [DRIFT_MODEL, '$0.00', '0.0%'],
      ['acme/chat', '—', '—'],
    ]);
    await screenshot(page, 'overview-per-model');
    // A model's name opens its page over the same range.
    await table.getByRole('link', { name: 'acme/chat' }).click();
    await page.waitForURL(/\/models\/view\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('model')).toBe('acme/chat');
    expect(url.searchParams.get('from')).toBe('now-1h');
    await page.getByRole('heading', { level: 1, name: 'acme/chat' }).waitFor();
    // Its page says the same of its cost: no price, not free.
    await poll(() => page.getByTestId('model-cost').textContent()).toBe('—');
    await page.goBack();
    await table.waitFor();
    await expectClean('overview per model');
  });

  test('split=model draws one line per model in each chart; an unknown split is the default', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const all = page.getByRole('region', { name: 'Requests per second', exact: true });
    await all.locator(LINE).first().waitFor();
    expect(await legend(all)).toEqual(['req/s']);
    await page.getByRole('button', { name: 'By model' }).click();
    await page.waitForURL(/split=model/);
    expect(await page.getByRole('button', { name: 'By model' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    // One legend entry per seeded model (fraud-xgb's flat 5 ms line has no height, so the
    // legend, not a visible path, says what was drawn).
    const models = ['acme/chat', DRIFT_MODEL];
    const requests = page.getByRole('region', { name: 'Requests per second by model' });
    await poll(() => legend(requests)).toEqual(models);
    const latency = page.getByRole('region', { name: 'Latency p95 by model' });
    await latency.scrollIntoViewIfNeeded();
    await poll(() => legend(latency)).toEqual(models);
    expect(await latency.locator('.recharts-line').count()).toBe(2);
    await screenshot(page, 'overview-split-by-model');
    await expectClean('overview split by model');
    // The split is the URL's: a shared link opens split; an unknown value is the default.
    await page.reload();
    await poll(() => legend(requests)).toEqual(models);
    await page.goto(`${c.url}/?from=now-1h&to=now&split=bogus`);
    await all.locator(LINE).first().waitFor();
    expect(await legend(all)).toEqual(['req/s']);
    expect(
      await page.getByRole('button', { name: 'All models' }).getAttribute('aria-pressed'),
    ).toBe('true');
  });

  test('a slowest inference opens its trace at the span, and its model page', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const first = page.getByTestId('slowest').locator('tbody tr').first();
    await first.waitFor();
    // The slowest seeded span: acme/chat v2's last, 429 ms.
    expect(await first.textContent()).toContain('acme/chat v2');
    const duration = (await first.locator('td.num').textContent())!;
    expect(duration).toBe('429 ms');
    const traceId = (await first.getAttribute('data-trace'))!;
    await first.getByRole('link', { name: traceId.slice(0, 12) }).click();
    await page.waitForURL(new RegExp(`/traces/view\\?.*id=${traceId}`));
    const details = page.getByTestId('span-details');
    await poll(() => details.locator('h3').textContent()).toContain('chat acme/chat');
    expect(await details.getByTestId('span-duration').textContent()).toBe(duration);
    await expectClean('trace from the overview');
    await page.goBack();
    await first.getByRole('link', { name: 'acme/chat' }).click();
    await page.waitForURL(/\/models\/view\?.*model=acme%2Fchat/);
    await page.getByRole('heading', { level: 1, name: 'acme/chat' }).waitFor();
  });

  test('without prices, the cost hints lead to the Prices section of Settings', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const hint = page.getByTestId('unpriced-hint');
    await hint.waitFor();
    expect(await hint.textContent()).toContain('No price for acme/chat:');
    const noPrices = page.getByTestId('no-prices-hint');
    expect(await noPrices.getByRole('link').getAttribute('href')).toMatch(
      /^\/settings\?.*tab=prices/,
    );
    await hint.getByRole('link', { name: 'Settings → Prices' }).click();
    await page.waitForURL(/\/settings\?.*tab=prices/);
    await page.getByRole('form', { name: 'Prices' }).waitFor();
    await expectClean('prices from the overview');
  });
});
