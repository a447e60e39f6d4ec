import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import { axeViolations, launchBrowser, screenshot, signIn, watchProblems } from './browser.js';
import { waitFor } from './seed.js';
import { attrs, postOtlp, seedFeatures } from './seed-fleet.js';

// The Drift page in Chromium: model fraud-xgb's v1 saw `amount` uniform on 0–99, v2 sees it
// shifted by 50, `country` unchanged. Without a baseline the page compares with the window
// before the range, in the table, the PSI chart and the overlay; a baseline created from the
// form (v1) becomes the reference; deleting it goes back. A model with eight features charts
// the five highest lines, and a selected feature's own.

const MIN = 60_000;
const MODEL = 'fraud-xgb';
let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
const now = Date.now();
// The current window holds only v2's values; the window before it only v1's.
const range = `from=${new Date(now - 32 * MIN).toISOString()}&to=${new Date(now).toISOString()}`;
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });
const country = (i: number) => (i % 2 === 0 ? 'FR' : 'DE');

beforeAll(async () => {
  c = await startCollector();
  await seedFeatures(c, MODEL, 'v1', now - 55 * MIN, now - 35 * MIN, 150, (i) => i % 100, country);
  await seedFeatures(
    c,
    MODEL,
    'v2',
    now - 30 * MIN,
    now - MIN,
    150,
    (i) => 50 + (i % 100),
    country,
  );
  await waitFor(async () => {
    const r = await c.api<{ models: Array<{ requests: number }> }>(
      `/api/v1/models?from=${now - 60 * MIN}&to=${now}`,
    );
    return r.models[0]?.requests === 300;
  }, 'the 300 seeded inferences to be queryable');
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

/**
 * The tooltip of a chart with the pointer over the band of the x-axis tick `label`, once it
 * names that label.
 */
async function tooltipAt(chart: Locator, label: string): Promise<string> {
  const tick = chart.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-label', {
    hasText: label,
  });
  const grid = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
  const box = (await tick.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, grid.y + grid.height / 2);
  const tip = chart.locator('.recharts-tooltip-wrapper', { hasText: label });
  await tip.waitFor();
  const text = (await tip.textContent()) ?? '';
  await page.mouse.move(0, 0);
  return text;
}

/** The sides' shares a histogram tooltip shows (`reference : 10.0%`), in either order. */
const shares = (tip: string) =>
  Object.fromEntries(
    [...tip.matchAll(/(reference|current)\s*:\s*([\d.]+%)/g)].map((m) => [m[1], m[2]]),
  );

const verdict = (feature: string) =>
  page
    .getByTestId('drift-features')
    .locator(`tr[data-feature="${feature}"]`)
    .getByTestId('verdict')
    .textContent();

describe('Drift page', () => {
  test('without a baseline: features against the window before the range, worst first', async () => {
    await page.goto(`${c.url}/drift?model=${MODEL}&${range}`);
    await poll(() => verdict('amount')).toBe('drift');
    expect(await verdict('country')).toBe('no drift');
    const names = await page
      .getByTestId('drift-features')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-feature')));
    expect(names).toEqual(['amount', 'country']);
    const amount = await page
      .getByTestId('drift-features')
      .locator('tr[data-feature="amount"]')
      .textContent();
    expect(amount).toContain('150');
    expect(amount).toContain('KS p-value');
    expect(await page.getByTestId('drifting').textContent()).toBe('1');
    expect(await page.getByTestId('drift-reference').textContent()).toContain('window just before');
    // The PSI chart and the overlay use the same reference, and say so.
    const psi = page.getByRole('region', { name: /PSI over time/ });
    expect(await psi.getByTestId('panel-reference').textContent()).toBe(
      'Against the previous 32 minutes (no baseline yet).',
    );
    await psi.locator('.recharts-line path').first().waitFor({ timeout: 30_000 });
    expect((await psi.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual([
      'amount',
      'country',
    ]);
    // Two lines: none left out, so no note.
    expect(await psi.getByTestId('score-lines').count()).toBe(0);
    await page.getByRole('button', { name: 'amount', exact: true }).click();
    await page.waitForURL(/feature=amount/);
    const hist = page.getByTestId('drift-histogram');
    await hist.locator('.recharts-bar-rectangle').first().waitFor();
    expect(
      await page
        .getByRole('region', { name: /amount: reference vs current/ })
        .getByTestId('panel-reference')
        .textContent(),
    ).toBe('Against the previous 32 minutes (no baseline yet).');
    // The window before holds v1's amounts (0–49 twice, 50–99 once: deciles 7, 14.8, … 84.1),
    // the range v2's (50–99 twice, 100–149 once): 80 of 150 at or above 84.1.
    expect(
      await hist
        .locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')
        .allTextContents(),
    ).toEqual([
      '< 7',
      '7–14.8',
      '14.8–22',
      '22–29.6',
      '29.6–37',
      '37–44.4',
      '44.4–54.3',
      '54.3–69.2',
      '69.2–84.1',
      '≥ 84.1',
    ]);
    expect(shares(await tooltipAt(hist, '≥ 84.1'))).toEqual({
      reference: '10.0%',
      current: '53.3%',
    });
    expect(shares(await tooltipAt(hist, '< 7'))).toEqual({ reference: '9.33%', current: '0.0%' });
    // The selected feature's line alone, and a way back to all.
    await poll(() => psi.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'amount',
    ]);
    expect(await psi.getByTestId('score-lines').textContent()).toBe(
      'The line of amount. Show the highest of all features',
    );
    await screenshot(page, 'light-drift-no-baseline');
    await expectClean('drift without a baseline');
    await psi.getByRole('button', { name: 'Show the highest of all features' }).click();
    await page.waitForURL((u) => !u.searchParams.has('feature'));
    await poll(() => psi.locator('.recharts-legend-item-text').count()).toBe(2);
  });

  test('create a baseline from v1: it becomes the reference; PSI over time and the overlay', async () => {
    await page.getByLabel('Name', { exact: true }).fill('v1 at launch');
    await page.getByLabel('a version').check();
    await page.getByLabel('Version', { exact: true }).fill('v1');
    await page.getByRole('button', { name: 'Create baseline' }).click();
    await page.waitForURL(/baseline=/);
    await poll(() => page.getByTestId('drift-reference').textContent()).toContain(
      'baseline “v1 at launch” (default)',
    );
    const row = page.getByTestId('baselines-table').locator('tr[data-baseline="v1 at launch"]');
    expect(await row.textContent()).toContain('version v1');
    expect(await row.textContent()).toContain('default');
    await poll(() => verdict('amount')).toBe('drift');
    expect(await verdict('country')).toBe('no drift');
    // Score over time: a line per feature.
    const psi = page.getByRole('region', { name: /PSI over time/ });
    await psi.locator('.recharts-line path').first().waitFor({ timeout: 30_000 });
    expect((await psi.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual([
      'amount',
      'country',
    ]);
    // Select a feature: the URL holds it and the overlay shows both sides' shares.
    await page.getByRole('button', { name: 'amount', exact: true }).click();
    await page.waitForURL(/feature=amount/);
    const hist = page.getByTestId('drift-histogram');
    await hist.locator('.recharts-bar-rectangle').first().waitFor();
    expect((await hist.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual([
      'current',
      'reference',
    ]);
    // v2's amounts (50–149) fill only the upper half of v1's deciles and beyond.
    expect(await hist.locator('.recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(10);
    await expectClean('drift with a baseline');
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.reload();
      await page
        .getByTestId('drift-histogram')
        .locator('.recharts-bar-rectangle')
        .first()
        .waitFor();
      await poll(() => page.locator('[role="status"].state-loading').count()).toBe(0);
      await screenshot(page, `${theme}-drift-data`);
      await expectClean(`drift (${theme})`);
    }
    // A range ending now: its last window is still filling, so it is left out of the chart
    // and named under it instead of drawn as a spike.
    const live = new URL(page.url());
    live.searchParams.set('from', 'now-30m');
    live.searchParams.set('to', 'now');
    await page.goto(live.toString());
    await psi.locator('.recharts-line path').first().waitFor({ timeout: 30_000 });
    await poll(() => page.getByTestId('partial-window').textContent()).toMatch(
      /^Not charted: the last window \(.+, (1 value|\d+ values)\) is still filling/,
    );
    await expectClean('drift, range ending now');
  }, 180_000);

  test('the compare view judges each arm against the default baseline: roll back, promote', async () => {
    // Both versions in the range; v1 is the baseline's own data, v2 moved `amount`.
    const wide = `from=${new Date(now - 60 * MIN).toISOString()}&to=${new Date(now).toISOString()}`;
    const arms = (a: string, b: string) =>
      `${c.url}/models/compare?model=${MODEL}&a=version%3A${a}&b=version%3A${b}&${wide}`;
    await page.goto(arms('v1', 'v2'));
    const verdictText = () => page.getByTestId('verdict').textContent();
    await poll(verdictText).toContain('Roll back B');
    expect(await verdictText()).toContain('significantly worse on drift');
    const sig = page.getByTestId('significance-table');
    const drift = await sig.locator('tr[data-measure="drift"]').textContent();
    expect(drift).toContain('0 of 2 drifting');
    expect(drift).toContain('1 of 2 drifting');
    expect(drift).toContain('worse');
    // Every latency is 5 ms: enough values, nothing between the arms.
    expect(await sig.locator('tr[data-measure="latency"]').textContent()).toContain(
      'no significant difference',
    );
    // The baseline's name comes with the list, which may answer after the comparison.
    await poll(() =>
      page.getByRole('region', { name: 'Significance (B against A)' }).textContent(),
    ).toContain('against the baseline “v1 at launch”');
    await expectClean('compare against a baseline');
    await page.goto(arms('v2', 'v1'));
    await poll(verdictText).toContain('Promote B');
    expect(await sig.locator('tr[data-measure="drift"]').textContent()).toContain('better');
    await expectClean('compare, promote');
  });

  test('deleting the baseline goes back to the previous window', async () => {
    await page.goto(`${c.url}/drift?model=${MODEL}&${range}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText(`No baseline for ${MODEL} yet`).waitFor();
    await page.goto(`${c.url}/drift?model=${MODEL}&${range}`);
    await poll(() => page.getByTestId('drift-reference').textContent()).toContain(
      'window just before',
    );
    await expectClean('drift after delete');
  });

  test('eight features: the five highest lines and a note; a selected feature’s own line', async () => {
    // wide-8's `shift_*` features leave the window before's range entirely (every value in
    // its top decile bin: the highest PSI a window can have); `same_*` keep their spread.
    const WIDE = 'wide-8';
    const features = ['same_1', 'same_2', 'same_3', ...[1, 2, 3, 4, 5].map((k) => `shift_${k}`)];
    await seedWide(WIDE, 'v1', now - 62 * MIN, now - 33 * MIN, features, 0);
    await seedWide(WIDE, 'v2', now - 30 * MIN, now - MIN, features, 1000);
    await waitFor(async () => {
      const r = await c.api<{ models: Array<{ model: string; requests: number }> }>(
        `/api/v1/models?from=${now - 64 * MIN}&to=${now}`,
      );
      return r.models.find((m) => m.model === WIDE)?.requests === 2 * WIDE_N;
    }, 'the wide model’s inferences to be queryable');
    await page.goto(`${c.url}/drift?model=${WIDE}&${range}`);
    await poll(() => verdict('shift_3')).toBe('drift');
    const psi = page.getByRole('region', { name: /PSI over time/ });
    // The highest lines are flat at the top (a box of no height: hidden to Playwright).
    await psi
      .locator('.recharts-line path')
      .first()
      .waitFor({ state: 'attached', timeout: 30_000 });
    expect((await psi.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual([
      'shift_1',
      'shift_2',
      'shift_3',
      'shift_4',
      'shift_5',
    ]);
    expect(await psi.getByTestId('score-lines').textContent()).toBe(
      'Showing the 5 highest of 8 lines (by their highest score in the range); select a feature in the table for its lines.',
    );
    // A colour each.
    const strokes = await psi
      .locator('.recharts-line path.recharts-curve')
      .evaluateAll((paths) => paths.map((p) => p.getAttribute('stroke')));
    expect(strokes).toHaveLength(5);
    expect(new Set(strokes).size).toBe(5);
    await screenshot(page, 'drift-highest-lines');
    await expectClean('drift, eight features');
    await page.getByRole('button', { name: 'same_2', exact: true }).click();
    await page.waitForURL(/feature=same_2/);
    await poll(() => psi.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'same_2',
    ]);
    expect(await psi.getByTestId('score-lines').textContent()).toBe(
      'The line of same_2. Show the highest of all features',
    );
    await expectClean('drift, one feature’s lines');
  });
});

/** Inferences per version of {@link seedWide}. */
const WIDE_N = 600;

/**
 * {@link WIDE_N} inferences of `model` evenly over `[fromMs, toMs)`, each feature named
 * `shift_*` at `v + shift` and the others at `v`, `v` = 37·i mod 100 (spread over 0–99 at
 * every step, so a few minutes' values already cover every decile).
 */
async function seedWide(
  model: string,
  version: string,
  fromMs: number,
  toMs: number,
  features: string[],
  shift: number,
) {
  const nanos = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);
  const spans = Array.from({ length: WIDE_N }, (_, i) => {
    const t = fromMs + ((toMs - fromMs) * i) / WIDE_N;
    const v = (i * 37) % 100;
    return {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      name: `predict ${model}`,
      kind: 3,
      startTimeUnixNano: nanos(t),
      endTimeUnixNano: nanos(t + 5),
      attributes: attrs({
        'gen_ai.operation.name': 'predict',
        'gen_ai.request.model': model,
        'aiobs.model.version': version,
        ...Object.fromEntries(
          features.map((f) => [`aiobs.feature.${f}`, f.startsWith('shift') ? v + shift : v]),
        ),
      }),
      status: { code: 1 },
    };
  });
  await postOtlp(c, '/v1/traces', {
    resourceSpans: [
      {
        resource: { attributes: attrs({ 'service.name': 'scoring' }) },
        scopeSpans: [{ scope: { name: 'dashboard-seed' }, spans }],
      },
    ],
  });
}
