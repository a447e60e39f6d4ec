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
import { GPU_HOST, GPU_PROCESS, GPUS, seedGpus, seedTraces } from './seed-fleet.js';

// The Infrastructure page in Chromium: two GPUs of one host reporting constant figures, read
// back from the tables, the heat map and the charts; selecting a GPU and a model goes
// through the URL; a range without hosts shows how to install the agent; the collector's own
// health (a stats row every second here) shows to the instance admin.

const MIN = 60_000;
let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
const now = Date.now();
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 15_000 });

beforeAll(async () => {
  c = await startCollector({ args: ['--stats-interval', '1'] });
  await seedTraces(c, now - 30 * MIN, 12);
  await seedGpus(c, now - 45 * MIN, now);
  await waitFor(async () => {
    const [m, g] = await Promise.all([
      c.api<{ models: Array<{ requests: number }> }>('/api/v1/models'),
      c.api<{ gpus: unknown[] }>(`/api/v1/gpus?from=${now - 60 * MIN}`),
    ]);
    return m.models[0]?.requests === 12 && g.gpus.length === 2;
  }, 'the seeded inferences and GPUs to be queryable');
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

const legend = (region: string) =>
  page
    .getByRole('region', { name: region })
    .locator('.recharts-legend-item-text')
    .allTextContents();
const label = (g: (typeof GPUS)[number]) => `${GPU_HOST} ${g.name}`;

describe('Infrastructure page', () => {
  test('the latest state of the host, its GPUs and the process on GPU 0', async () => {
    await page.goto(`${c.url}/infrastructure?from=now-1h&to=now`);
    await poll(() => page.getByTestId('gpu-count').textContent()).toBe('2');
    expect(await page.getByTestId('host-count').textContent()).toBe('1');
    expect(await page.getByTestId('mean-util').textContent()).toBe('65.0%');
    expect(await page.getByTestId('max-temp').textContent()).toBe('72 °C');
    const gpus = page.getByTestId('gpus-table');
    expect(await gpus.getByTestId('gpu-util').allTextContents()).toEqual(['50.0%', '80.0%']);
    expect(await gpus.getByTestId('gpu-temp').allTextContents()).toEqual(['61 °C', '72 °C']);
    expect(await gpus.textContent()).toContain('420 W');
    const host = page.getByTestId('hosts-table').locator(`tr[data-host="${GPU_HOST}"]`);
    expect(await host.textContent()).toContain('25.0%');
    const proc = await page.getByTestId('process-table').textContent();
    expect(proc).toContain(GPU_PROCESS.name);
    expect(proc).toContain(String(GPU_PROCESS.pid));
    expect(proc).toContain('27.9 GiB');
  });

  test('the heat map has a row per GPU with the seeded utilization; charts a line per GPU', async () => {
    const heat = page.getByTestId('heat-map');
    await heat.waitFor();
    for (const g of GPUS) {
      const strip = heat.locator(`[data-gpu="${label(g)}"] .heatmap-strip`);
      const values = ((await strip.getAttribute('data-values')) ?? '').split(',');
      const filled = values.filter((v) => v !== '');
      // 45 minutes of samples in a one-hour range of minute buckets.
      expect(filled.length).toBeGreaterThanOrEqual(40);
      // Means of equal samples, up to floating-point rounding.
      expect(new Set(filled.map((v) => Number(Number(v).toFixed(9))))).toEqual(new Set([g.util]));
      // Painted: the strip's gradient carries the value's colour, and it says the mean.
      expect(await cssValue(strip, 'backgroundImage')).toContain('linear-gradient');
      expect(await strip.getAttribute('aria-label')).toContain(
        `mean ${(g.util * 100).toFixed(1)}%`,
      );
    }
    await poll(() => legend('GPU utilization')).toEqual(GPUS.map(label));
    // Below the fold: drawn once scrolled to.
    await page.getByRole('region', { name: 'Temperature' }).scrollIntoViewIfNeeded();
    await poll(() => legend('Temperature')).toEqual(GPUS.map(label));
    const util = page.getByRole('region', { name: 'GPU utilization' });
    expect(await util.locator('.recharts-label').first().textContent()).toContain(
      'utilization (%)',
    );
    expect(await util.locator('.recharts-line path').count()).toBeGreaterThanOrEqual(2);
    await expectClean('infrastructure');
  });

  test('selecting a GPU and a model goes through the URL; the model’s latency overlays the GPUs', async () => {
    await page
      .getByTestId('heat-map')
      .getByRole('button', { name: label(GPUS[1]) })
      .click();
    await page.waitForURL(new RegExp(`gpu=${GPUS[1].id}`));
    await poll(() => legend('GPU utilization')).toEqual([label(GPUS[1])]);
    await page.getByRole('combobox', { name: 'Model' }).selectOption('acme/chat');
    await page.waitForURL(/model=acme%2Fchat/);
    await poll(() => page.getByTestId('overlay-hosts').textContent()).toContain(GPU_HOST);
    const overlay = page.getByTestId('overlay-chart');
    await overlay.locator('.recharts-line path').first().waitFor();
    expect((await overlay.locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual([
      'GPU utilization',
      'latency p95',
    ]);
    // Reload: the selection comes back from the URL.
    await page.reload();
    await poll(() => legend('GPU utilization')).toEqual([label(GPUS[1])]);
    expect(await page.getByRole('combobox', { name: 'Model' }).inputValue()).toBe('acme/chat');
    await expectClean('infrastructure, one GPU and a model');
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${c.url}/infrastructure?from=now-1h&to=now&model=acme%2Fchat`);
      await page.getByTestId('overlay-chart').locator('.recharts-line path').first().waitFor();
      await poll(() => page.locator('[role="status"].state-loading').count()).toBe(0);
      await screenshot(page, `${theme}-infrastructure-data`);
      await expectClean(`infrastructure (${theme})`);
    }
  }, 180_000);

  test('the collector’s health: a row for this collector and its figures drawn', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${c.url}/infrastructure?from=now-15m&to=now`);
      const section = page.getByRole('region', { name: 'Collector health' });
      await section.scrollIntoViewIfNeeded();
      const table = section.getByTestId('collectors-table');
      await expect
        .poll(
          async () => {
            // The page keeps its first answer: reload if it came before any row was stored.
            if (await section.getByText('No collector stats in this range').isVisible()) {
              await page.reload();
              await section.scrollIntoViewIfNeeded();
              return '';
            }
            return (await table.locator('tbody tr').allTextContents()).join('\n');
          },
          { timeout: 30_000, interval: 1_000 },
        )
        .toContain(`:${c.pid}`);
      const row = table.locator(`tr[data-collector$=":${c.pid}"]`);
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toMatch(/MiB|GiB/);
      const accepted = section.getByRole('region', { name: 'Records accepted per second' });
      await accepted.locator('.recharts-line path').first().waitFor();
      const rss = section.getByRole('region', { name: 'RSS (and the memory bound)' });
      await rss.locator('.recharts-line path').first().waitFor();
      expect(await rss.locator('.recharts-label').first().textContent()).toContain('RSS (MiB)');
      await poll(() => page.locator('[role="status"].state-loading').count()).toBe(0);
      await expectClean(`collector health (${theme})`);
      await screenshot(page, `${theme}-collector-health`);
    }
  }, 120_000);

  test('a range without hosts says how to install the agent', async () => {
    const empty = `from=${new Date(now - 300 * MIN).toISOString()}&to=${new Date(now - 240 * MIN).toISOString()}`;
    await page.goto(`${c.url}/infrastructure?${empty}`);
    await page.getByText('No host reported in this range').waitFor();
    await page.getByText(/aiobs-agent install/).waitFor();
    // The collectors' health does not depend on hosts: shown here too (no rows that long ago).
    await page
      .getByRole('region', { name: 'Collector health' })
      .getByText('No collector stats in this range')
      .waitFor();
    await expectClean('empty infrastructure');
  });
});
