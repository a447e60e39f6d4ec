import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import { axeViolations, launchBrowser, screenshot, signIn, watchProblems } from './browser.js';
import { waitFor } from './seed.js';
import { seedFeatures } from './seed-fleet.js';

// The Drift page in Chromium: model fraud-xgb's v1 saw `amount` uniform on 0–99, v2 sees it
// shifted by 50, `country` unchanged. Without a baseline the page compares with the window
// before the range; a baseline created from the form (v1) becomes the reference, charts PSI
// per window and overlays a feature's distributions; deleting it goes back.

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
    expect(await page.getByText('Needs a baseline').count()).toBe(2);
    await expectClean('drift without a baseline');
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
      /^Not charted: the last window \(.+, \d+ values\) is still filling/,
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
    expect(
      await page.getByRole('region', { name: 'Significance (B against A)' }).textContent(),
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
});
