import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import {
  axeViolations,
  holdRequests,
  launchBrowser,
  screenshot,
  watchProblems,
} from './browser.js';
import { type SeedSpan, sendSpans, waitFor } from './seed.js';
import { attrs, postOtlp } from './seed-fleet.js';

// The dashboard in Debian's Chromium against a real collector seeded with GenAI spans:
// sign-in, Overview and Models read back the seeded figures, in both themes, with no console
// errors, no failed requests and no serious accessibility violations.

const MIN = 60_000;
/** Evaluated in the page (this file is compiled without the DOM lib). */
const THEME = 'document.documentElement.dataset.theme';
let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
const base = Date.now() - 30 * MIN;

/** 20 requests of v1 (no errors), 10 of v2 (3 errors), 5 of an embedding model, one slow. */
function seedSpans(): SeedSpan[] {
  const spans: SeedSpan[] = [];
  for (let i = 0; i < 20; i++)
    spans.push({
      model: 'acme/chat',
      version: 'v1',
      variant: 'control',
      startMs: base + i * 30_000,
      durationMs: 200 + i,
      inputTokens: 100,
      outputTokens: 20,
    });
  for (let i = 0; i < 10; i++)
    spans.push({
      model: 'acme/chat',
      version: 'v2',
      variant: 'canary',
      startMs: base + 10 * MIN + i * 30_000,
      durationMs: 400 + i,
      error: i < 3,
      inputTokens: 100,
      outputTokens: 20,
    });
  for (let i = 0; i < 5; i++)
    spans.push({
      model: 'acme/embed',
      version: 'e1',
      variant: 'control',
      startMs: base + i * MIN,
      durationMs: i === 4 ? 5000 : 50,
      inputTokens: 10,
      outputTokens: 0,
    });
  return spans;
}

/**
 * The queue depth gauge of acme/chat from two replicas of chat-api, one point a minute for
 * ten minutes: 3 waiting on one, 4 on the other, so the service's line reads 7.
 */
function queueDepthGauge() {
  const replica = (id: string, depth: number) => ({
    resource: { attributes: attrs({ 'service.name': 'chat-api', 'service.instance.id': id }) },
    scopeMetrics: [
      {
        scope: { name: '@aiobs/sdk' },
        metrics: [
          {
            name: 'aiobs.inference.queue.depth',
            unit: '{request}',
            gauge: {
              dataPoints: Array.from({ length: 10 }, (_, i) => ({
                timeUnixNano: String(BigInt(base + i * MIN + 10_000) * 1_000_000n),
                asDouble: depth,
                attributes: attrs({ 'gen_ai.request.model': 'acme/chat' }),
              })),
            },
          },
        ],
      },
    ],
  });
  return { resourceMetrics: [replica('chat-a', 3), replica('chat-b', 4)] };
}

beforeAll(async () => {
  c = await startCollector();
  await sendSpans(c, 'chat-api', seedSpans());
  await postOtlp(c, '/v1/metrics', queueDepthGauge());
  await waitFor(async () => {
    const r = await c.api<{ models: Array<{ requests: number }> }>('/api/v1/models');
    return r.models.reduce((s, m) => s + m.requests, 0) === 35;
  }, 'the 35 seeded inferences to be queryable');
  await waitFor(async () => {
    const r = await c.api<{ points: unknown[] }>(
      `/api/v1/metrics/points?name=aiobs.inference.queue.depth&from=${base - MIN}`,
    );
    return r.points.length === 20;
  }, 'the 20 seeded queue depth points to be queryable');
  browser = await launchBrowser();
  page = await browser.context.newPage();
  problems = watchProblems(page);
});
afterAll(async () => {
  await browser?.close();
  expect(await c.stop()).toBe(0);
});

async function expectClean(name: string) {
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  expect(problems.list, `problems on ${name}`).toEqual([]);
}

describe('dashboard in Chromium', () => {
  test('a signed-out visit goes to sign-in; a wrong token is refused; the admin token signs in', async () => {
    // The session check of a signed-out browser answers 401 by design.
    problems.allow(/401 GET .*\/api\/v1\/auth\/session/);
    problems.allow(/401 POST .*\/api\/v1\/auth\/login/);
    problems.allow(/Failed to load resource: the server responded with a status of 401/);
    await page.goto(`${c.url}/models?from=now-1h&to=now`);
    await page.waitForURL(/\/sign-in\?redirect=/);
    await page.getByRole('button', { name: 'Sign in with a token' }).click();
    await page.getByLabel('Token', { exact: true }).fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    await page.getByLabel('Token', { exact: true }).fill(c.adminToken);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/models\?/);
    await page.getByTestId('models-table').waitFor();
    const storage = await page.evaluate(
      'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
    );
    expect(storage).not.toContain(c.adminToken);
    const cookies = await browser.context.cookies();
    expect(cookies.find((k) => k.name === 'aiobs_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    problems.list.length = 0;
  });

  test('Overview shows the seeded totals, charts, slowest inference and changes', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    await expect.poll(() => page.getByTestId('total-requests').textContent()).toBe('35');
    expect(await page.getByTestId('error-rate').textContent()).toBe('8.57%');
    const firstSlow = page.getByTestId('slowest').locator('tbody tr').first();
    await expect.poll(() => firstSlow.textContent()).toContain('5.00 s');
    expect(await firstSlow.textContent()).toContain('acme/embed');
    await expect
      .poll(() => page.getByTestId('changes').textContent())
      .toContain('version v2 of acme/chat');
    const latency = page.getByRole('region', { name: 'Latency' });
    await latency.locator('.recharts-line path').first().waitFor();
    expect(await latency.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'p50',
      'p95',
      'p99',
    ]);
    expect(await latency.locator('.recharts-label').first().textContent()).toContain(
      'latency (ms)',
    );
    // Hovering the chart shows a tooltip with a seeded latency (v1 200–219 ms, v2 400–409 ms).
    const box = (await latency.locator('.recharts-cartesian-grid').boundingBox())!;
    let tip = '';
    for (let x = box.x + box.width - 2; x > box.x && !/\d+ ms/.test(tip); x -= 8) {
      await page.mouse.move(x, box.y + box.height / 2);
      tip = (await latency.locator('.recharts-tooltip-wrapper').textContent()) ?? '';
    }
    const shown = [...tip.matchAll(/(\d+) ms/g)].map((m) => Number(m[1]));
    expect(shown.length).toBeGreaterThan(0);
    for (const v of shown)
      expect((v >= 200 && v <= 219) || (v >= 400 && v <= 409) || (v >= 50 && v <= 5000)).toBe(true);
    await page.mouse.move(0, 0);
    await expectClean('overview');
  });

  test('Models lists each model with its figures and a sparkline; the compare view waits for data', async () => {
    await page.getByRole('link', { name: 'Models', exact: true }).click();
    const chat = page.locator('tr[data-model="acme/chat"]');
    await expect.poll(() => chat.getByTestId('requests').textContent()).toBe('30');
    expect(
      await page.locator('tr[data-model="acme/embed"]').getByTestId('requests').textContent(),
    ).toBe('5');
    expect(await chat.textContent()).toContain('v1, v2');
    // A drawn line: the requests went out at two rates (v1, then v2), so it moves up and down.
    const spark = chat.locator('.sparkline path[d^="M"]');
    await spark.waitFor();
    const ys = ((await spark.getAttribute('d')) ?? '').match(/[ML][\d.]+ [\d.]+/g) ?? [];
    expect(new Set(ys.map((p) => p.split(' ')[1])).size).toBeGreaterThan(1);
    await expectClean('models');
    await chat.getByRole('link', { name: 'acme/chat' }).click();
    await expect.poll(() => page.getByTestId('model-requests').textContent()).toBe('30');
    expect(await page.getByTestId('model-error-rate').textContent()).toBe('10.0%');
    const byVersion = page.getByRole('region', { name: 'Latency p95 by version' });
    await byVersion.locator('.recharts-line path').first().waitFor();
    expect(await byVersion.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'v1',
      'v2',
    ]);
    // No feedback and no baseline yet: each quality panel says how to get its data.
    const quality = page.getByRole('region', { name: 'Quality from feedback by version' });
    await quality.scrollIntoViewIfNeeded();
    await quality.getByText('No feedback in this range').waitFor();
    const drift = page.getByRole('region', { name: 'Drift by version' });
    await drift.scrollIntoViewIfNeeded();
    await drift.getByText('No default drift baseline for this model').waitFor();
    // Queue depth: one line for chat-api, its two replicas (3 and 4 waiting) added up.
    const queue = page.getByRole('region', { name: 'Queue depth by service' });
    await queue.scrollIntoViewIfNeeded();
    // A flat line (7 throughout) has a box of no height, which Playwright calls hidden.
    await queue.locator('.recharts-line path').first().waitFor({ state: 'attached' });
    expect(await queue.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'chat-api',
    ]);
    const qbox = (await queue.locator('.recharts-cartesian-grid').boundingBox())!;
    let qtip = '';
    for (let x = qbox.x + 2; x < qbox.x + qbox.width && !/chat-api/.test(qtip); x += 6) {
      await page.mouse.move(x, qbox.y + qbox.height / 2);
      qtip = (await queue.locator('.recharts-tooltip-wrapper').textContent()) ?? '';
    }
    expect(qtip).toMatch(/UTC/);
    expect(qtip).toMatch(/chat-api\s*:\s*7\b/);
    await page.mouse.move(0, 0);
    await expectClean('model');
    // The same arm on both sides is refused before any request.
    await page.getByLabel('A (baseline)').selectOption('v1');
    await page.getByLabel('B (candidate)').selectOption('v1');
    expect(await page.getByRole('button', { name: 'Compare' }).isDisabled()).toBe(true);
    expect(await page.getByText('A and B are the same version').isVisible()).toBe(true);
    await page.getByLabel('B (candidate)').selectOption('v2');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/\/models\/compare\?.*a=version%3Av1/);
    // 3 errors in 10 against none in 20 looks worse, but 30 requests judge nothing: the page
    // says so instead of calling a roll back on noise.
    await expect
      .poll(() => page.getByTestId('verdict').textContent())
      .toContain('Not enough data yet');
    const sig = page.getByTestId('significance-table');
    expect(
      await sig.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.measure)),
    ).toEqual(['latency', 'errorRate', 'accuracy']);
    const latencyRow = await sig.locator('tr[data-measure="latency"]').textContent();
    expect(latencyRow).toContain('too few values');
    expect(latencyRow).toContain('fewer than 100 requests on an arm (A\u00a020, B\u00a010)');
    expect(
      await page.getByRole('region', { name: 'Significance (B against A)' }).textContent(),
    ).toContain('no baseline for this model');
    const errRow = page.locator('tr[data-figure="errorRate"]');
    expect(await errRow.textContent()).toContain('0.0%');
    expect(await errRow.textContent()).toContain('30.0%');
    await expectClean('compare');
  });

  test("the model page links to the model's traces, failures, drift and GPUs", async () => {
    await page.goto(`${c.url}/models/view?model=acme%2Fchat&from=now-1h&to=now`);
    const related = page.getByRole('navigation', { name: 'This model elsewhere' });
    await related.getByRole('link', { name: 'Failed traces' }).click();
    await page.waitForURL(/\/traces\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('model')).toBe('acme/chat');
    expect(url.searchParams.get('status')).toBe('error');
    expect(url.searchParams.get('from')).toBe('now-1h');
    // The search applies the filters: only the 3 failed acme/chat inferences' traces.
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('acme/chat');
    await expect.poll(() => page.getByTestId('traces-table').locator('tbody tr').count()).toBe(3);
    await page.goBack();
    for (const [name, path] of [
      ['Drift', '/drift'],
      ['GPUs serving it', '/infrastructure'],
    ] as const) {
      const href = await related.getByRole('link', { name }).getAttribute('href');
      const u = new URL(href!, c.url);
      expect(u.pathname).toBe(path);
      expect(u.searchParams.get('model')).toBe('acme/chat');
    }
    await expectClean('model links');
  });

  test('auto-refresh moves a relative range forward and stops when paused', async () => {
    const modelsCall = /\/api\/v1\/models\?/;
    const first = page.waitForRequest(modelsCall);
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const a = new URL((await first).url());
    await expect.poll(() => page.getByTestId('total-requests').textContent()).toBe('35');
    await page.getByLabel('Auto-refresh interval').selectOption('10s');
    await page.waitForURL(/refresh=10s/);
    // The interval's own refetch: the same call, its `to` moved on to the new "now".
    const b = new URL((await page.waitForRequest(modelsCall, { timeout: 20_000 })).url());
    expect(Date.parse(b.searchParams.get('to')!)).toBeGreaterThan(
      Date.parse(a.searchParams.get('to')!),
    );
    expect(await page.getByTestId('total-requests').textContent()).toBe('35');
    await page.getByLabel('Auto-refresh interval').selectOption('off');
    await expect.poll(() => new URL(page.url()).searchParams.get('refresh') ?? 'off').toBe('off');
    // Paused: no refetch over more than one interval.
    await expect(page.waitForRequest(modelsCall, { timeout: 12_000 })).rejects.toThrow(/Timeout/);
    await expectClean('auto-refresh');
  }, 60_000);

  test('a failed panel says what the API said and recovers on retry', async () => {
    problems.allow(/500 GET .*\/api\/v1\/models\/series/);
    problems.allow(/status of 500/);
    const failing = '**/api/v1/models/series?*';
    await page.route(failing, (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal', message: 'the engine is restarting' } }),
      }),
    );
    await page.goto(`${c.url}/models/view?model=acme%2Fchat&from=now-1h&to=now`);
    const panel = page.getByRole('region', { name: 'Requests per second by version' });
    // After the client's two retries with backoff (about 6 s).
    await expect
      .poll(() => panel.getByRole('alert').textContent(), { timeout: 20_000 })
      .toContain('the engine is restarting (500 internal)');
    // The figures from the other call still show: one failed call is not a failed page.
    expect(await page.getByTestId('model-requests').textContent()).toBe('30');
    expect(await axeViolations(page), 'axe on the error state').toEqual([]);
    await page.unroute(failing);
    await panel.getByRole('button', { name: 'Retry' }).click();
    await panel.locator('.recharts-line path').first().waitFor();
    expect(await panel.getByRole('alert').count()).toBe(0);
    problems.list.length = 0;
  }, 60_000);

  test('the keyboard reaches the page, the picker and the pages', async () => {
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    await expect.poll(() => page.getByTestId('total-requests').textContent()).toBe('35');
    // The first Tab stop is the skip link; following it puts focus in the page's content.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate("document.activeElement.closest('main') !== null")).toBe(true);
    // The picker opens with Enter, a preset is a Tab away, Escape closes it back to its button.
    const picker = page.getByTestId('time-picker');
    await picker.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Choose a time range' });
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Last 15 minutes');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement.dataset.testid')).toBe('time-picker');
    // A preset picked with the keyboard applies and leaves focus on the picker.
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Last 6 hours' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/from=now-6h/);
    expect(await page.evaluate('document.activeElement.dataset.testid')).toBe('time-picker');
    // The sidebar's links go with Enter, keeping the range.
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Models' })
      .focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/models\?.*from=now-6h/);
    await page.getByTestId('models-table').waitFor();
    await expectClean('keyboard');
  });

  test('the time range follows the URL and the picker', async () => {
    const empty = `from=${new Date(base - 120 * MIN).toISOString()}&to=${new Date(base - 60 * MIN).toISOString()}`;
    await page.goto(`${c.url}/?${empty}`);
    await page.getByText('No inference spans in this range').waitFor();
    await page.getByText('npm run demo').waitFor();
    await page.getByTestId('time-picker').click();
    await page.getByRole('button', { name: 'Last 6 hours' }).click();
    await page.waitForURL(/from=now-6h/);
    await expect.poll(() => page.getByTestId('total-requests').textContent()).toBe('35');
    await page.getByTestId('time-picker').click();
    await page.getByLabel('From').fill('yesterday');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('now-15m');
    // Drag-to-zoom: dragging across a chart narrows the URL range to absolute bounds.
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const grid = page
      .getByRole('region', { name: 'Requests per second' })
      .locator('.recharts-cartesian-grid');
    await grid.waitFor();
    // Drag once every call of the page has answered: an answer arriving mid-drag (the drift
    // annotations, sent after the models) redraws the charts and can drop the drag.
    await page.waitForLoadState('networkidle');
    const g = (await grid.boundingBox())!;
    await page.mouse.move(g.x + g.width * 0.3, g.y + g.height / 2);
    await page.mouse.down();
    for (let f = 0.35; f <= 0.8; f += 0.05)
      await page.mouse.move(g.x + g.width * f, g.y + g.height / 2);
    await page.mouse.up();
    await page.waitForURL(/from=\d{4}-\d\d-\d\dT.*&to=\d{4}-/);
    const url = new URL(page.url());
    const zoomed =
      Date.parse(url.searchParams.get('to')!) - Date.parse(url.searchParams.get('from')!);
    expect(zoomed).toBeGreaterThan(0);
    expect(zoomed).toBeLessThan(60 * MIN);
    // The picker reads as a range in UTC, like the axes ("Dec 2, 07:12:34 – 07:40:02 UTC"),
    // the exact ISO bounds in its title.
    const picker = page.getByTestId('time-picker');
    expect(await picker.textContent()).toMatch(
      /^[A-Z][a-z]{2} \d{1,2}, \d\d:\d\d(:\d\d)? – ([A-Z][a-z]{2} \d{1,2}, )?\d\d:\d\d(:\d\d)? \S+$/,
    );
    expect(await picker.getAttribute('title')).toBe(
      `${new Date(url.searchParams.get('from')!).toISOString()} – ${new Date(url.searchParams.get('to')!).toISOString()}`,
    );
    // In UTC whatever the browser's zone: the same clock as the chart axes and tables.
    await page.goto(`${c.url}/?from=2026-12-02T07:00:00.000Z&to=2026-12-02T09:00:00.000Z`);
    await expect.poll(() => picker.textContent()).toMatch(/^Dec 2(, 2026)?, 07:00 – 09:00 UTC$/);
    expect(await picker.getAttribute('title')).toBe(
      '2026-12-02T07:00:00.000Z – 2026-12-02T09:00:00.000Z',
    );
    await expectClean('time range');
  });

  test('every page in both themes: screenshots', async () => {
    const pages = [
      '/',
      '/models',
      '/models/view?model=acme%2Fchat',
      '/models/compare?model=acme%2Fchat&a=version%3Av1&b=version%3Av2',
      '/traces',
      '/drift',
      '/infrastructure',
      '/alerts',
      '/settings',
    ];
    const empty = `from=${new Date(base - 120 * MIN).toISOString()}&to=${new Date(base - 60 * MIN).toISOString()}`;
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      // Empty state: a range with no data says so and how to send some.
      await page.goto(`${c.url}/?${empty}`);
      await page.getByText('No inference spans in this range').waitFor();
      // The fleet's panels (alerts, GPUs) answer apart: the screenshot waits for them too.
      await expect
        .poll(() => page.locator('[role="status"].state-loading').count(), { timeout: 15_000 })
        .toBe(0);
      await page.getByText('No host reported in this range').waitFor();
      await screenshot(page, `${theme}-empty-overview`);
      await expectClean(`empty overview (${theme})`);
      // Loading state: the models answer is held until the screenshot is taken, then released.
      const release = await holdRequests(page, /\/api\/v1\/models\?/);
      await page.goto(`${c.url}/?from=now-1h&to=now`);
      await page.locator('[role="status"].state-loading').first().waitFor();
      // The status line is for screen readers: what people see is the shell and grey shapes.
      await page.getByRole('navigation').first().waitFor({ state: 'visible' });
      expect(await page.locator('main h1').first().textContent()).toBe('Overview');
      await page
        .getByTestId('page-skeleton')
        .locator('.skeleton-block')
        .first()
        .waitFor({ state: 'visible' });
      await screenshot(page, `${theme}-loading-overview`);
      // Still loading when the picture was taken: the held answer had not been let through.
      expect(await page.getByTestId('page-skeleton').count()).toBeGreaterThan(0);
      await release();
      await expect
        .poll(() => page.getByTestId('total-requests').textContent(), { timeout: 15_000 })
        .toBe('35');
      for (const path of pages) {
        await page.goto(`${c.url}${path}${path.includes('?') ? '&' : '?'}from=now-1h&to=now`);
        await page
          .locator('main h1')
          .first()
          .waitFor()
          .catch(async (e: Error) => {
            await screenshot(page, `failed${path.replace(/[/?=%&]+/g, '-')}`);
            throw new Error(`${path} (${theme}): ${e.message} ${problems.list.join('; ')}`);
          });
        // The heading shows while data loads, so wait here for every loading state to clear.
        await expect
          .poll(() => page.locator('[role="status"].state-loading').count(), { timeout: 15_000 })
          .toBe(0);
        expect(await page.evaluate(THEME)).toBe(theme);
        await screenshot(page, `${theme}${path.replace(/[/?=%&]+/g, '-')}`);
        await expectClean(`${path} (${theme})`);
      }
    }
    // The toggle overrides the system theme.
    await page.getByRole('button', { name: /Switch to light theme/ }).click();
    expect(await page.evaluate(THEME)).toBe('light');
  }, 300_000);
});
