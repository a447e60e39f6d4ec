import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import { axeViolations, launchBrowser, screenshot, signIn, watchProblems } from './browser.js';
import { waitFor } from './seed.js';
import { seedTraces } from './seed-fleet.js';

// The Alerts page in Chromium: a latency rule drafted in the form is replayed over the seeded
// range (chat spans of 80–630 ms, one a minute), the preview shows the threshold and where
// it would have fired, "Create rule" stores it, and it shows among the rules and alerts.

const MIN = 60_000;
let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
const now = Date.now();
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

beforeAll(async () => {
  c = await startCollector();
  await seedTraces(c, now - 30 * MIN, 12);
  await waitFor(async () => {
    const r = await c.api<{ models: Array<{ requests: number }> }>('/api/v1/models');
    return r.models[0]?.requests === 12;
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

async function expectClean(name: string) {
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  expect(problems.list, `problems on ${name}`).toEqual([]);
}

describe('Alerts page', () => {
  test('no rules yet: the empty states say what to do', async () => {
    await page.goto(`${c.url}/alerts?from=now-1h&to=now`);
    await page.getByText('No rules yet').waitFor();
    await page.getByText('No channels', { exact: true }).waitFor();
    await page.getByText('No silences', { exact: true }).waitFor();
    await expectClean('alerts, empty');
  });

  test('create an alert rule from the preview', async () => {
    await page.getByLabel('Name', { exact: true }).fill('chat p95 latency');
    await page.getByRole('combobox', { name: 'Model' }).selectOption('acme/chat');
    await page.getByLabel('Window', { exact: true }).fill('5m');
    await page.getByLabel('For', { exact: true }).fill('0s');
    await page.getByLabel(/Threshold/).fill('400');
    const chart = page.getByTestId('preview-chart');
    await chart.locator('.recharts-line path').first().waitFor({ timeout: 30_000 });
    // The later, slower spans (above 400 ms) breach: it would have fired.
    await poll(() => page.getByTestId('preview-summary').textContent()).toMatch(
      /Would have fired \d+ time/,
    );
    expect(await chart.locator('.firing-area').count()).toBeGreaterThan(0);
    expect(await chart.textContent()).toContain('threshold 400');
    // A threshold no span reaches: the preview says it would not have fired.
    await page.getByLabel(/Threshold/).fill('100000');
    await poll(() => page.getByTestId('preview-summary').textContent()).toBe(
      'Would not have fired in this range.',
    );
    await page.getByLabel(/Threshold/).fill('400');
    await poll(() => page.getByTestId('preview-summary').textContent()).toMatch(/Would have fired/);
    await page.getByRole('button', { name: 'Create rule' }).click();
    const rule = page.getByTestId('rules-table').locator('tr[data-rule="chat p95 latency"]');
    await poll(() => rule.textContent()).toContain('latency p95 of acme/chat > 400 over 5m');
    await poll(() =>
      page.getByTestId('alerts-table').locator('tr[data-rule="chat p95 latency"]').count(),
    ).toBe(1);
    const stored = await c.api<{
      rules: Array<{ name: string; condition: { threshold: number } }>;
    }>('/api/v1/alert-rules');
    expect(stored.rules.map((r) => [r.name, r.condition.threshold])).toEqual([
      ['chat p95 latency', 400],
    ]);
    await expectClean('alerts with a rule');
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.getByLabel(/Threshold/).fill('400');
      await page.getByTestId('preview-chart').locator('.recharts-line path').first().waitFor();
      await screenshot(page, `${theme}-alerts-data`);
      await expectClean(`alerts (${theme})`);
    }
  }, 180_000);
});
