import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SIGNAL_KINDS } from '../../collector/src/alerts/signals/schema.js';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import {
  axeViolations,
  holdRequests,
  launchBrowser,
  screenshot,
  signIn,
  signInWithPassword,
  watchProblems,
} from './browser.js';
import { waitFor } from './seed.js';
import { seedTraces } from './seed-fleet.js';

// The Alerts page in Chromium: a latency rule drafted in the form is replayed over the seeded
// range (chat spans of 80–630 ms, one a minute), the preview shows the threshold and where
// it would have fired, "Create rule" stores it, and it shows among the rules and alerts.
// Then the rule is edited (threshold, enable/disable) with the same preview; a webhook channel
// to a loopback receiver is added (its secret shown once, and it verifies the signature of the
// test send that arrives), a failing channel shows as failing; a silence and a maintenance
// window are created and listed. Every signal kind of the rule API is offered and previews;
// a rule with a warning threshold and a filter is created, edited from its link in the rules
// table and opened by its URL (/alerts?rule=<id>) and from the overview's firing alerts; a
// composite rule shows read-only; a viewer sees the page, and a rule, without write controls.

const MIN = 60_000;
let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
const now = Date.now();
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });
/** The id of the rule created with a warning threshold (the viewer opens it too). */
let warnedRuleId = '';

/** What the loopback receiver got: `/ok` answers 200, `/fail` 500. */
const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
let receiver: Server;
let receiverUrl = '';

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(req.url === '/fail' ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // Webhooks to loopback are refused unless allow-listed, as a deployment would do it.
  c = await startCollector({ env: { AIOBS_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } });
  await seedTraces(c, now - 30 * MIN, 12);
  await waitFor(async () => {
    const r = await c.api<{ models: Array<{ requests: number }> }>('/api/v1/models');
    return r.models[0]?.requests === 12;
  }, 'the seeded inferences to be queryable');
  // In New York with a US locale: the UTC time fields must still read as UTC.
  browser = await launchBrowser({ timezoneId: 'America/New_York', locale: 'en-US' });
  page = await browser.context.newPage();
  problems = watchProblems(page);
  await signIn(page, c.url, c.adminToken);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => receiver?.close(r));
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
    await page.getByText('No maintenance windows', { exact: true }).waitFor();
    await expectClean('alerts, empty');
  });

  test('create an alert rule from the preview', async () => {
    await page.getByLabel('Name', { exact: true }).fill('chat p95 latency');
    await page.getByLabel('Model', { exact: true }).fill('acme/chat');
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
    // The time axis at round times (an hour: every 10 or 15 minutes), few enough to read.
    // (The time labels: recharts draws every axis's labels in one layer; the Y axis's have no colon.)
    const ticks = (
      await chart.locator('.recharts-cartesian-axis-tick-value').allTextContents()
    ).filter((t) => t.includes(':'));
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (const t of ticks) expect(t).toMatch(/^\d\d:[0-5][05]$/);
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
      // The theme follows the system's at load: reload after switching it.
      await page.emulateMedia({ colorScheme: theme });
      await page.reload();
      await page.getByLabel(/Threshold/).fill('400');
      await page.getByTestId('preview-chart').locator('.recharts-line path').first().waitFor();
      await screenshot(page, `${theme}-alerts-data`);
      await expectClean(`alerts (${theme})`);
    }
  }, 180_000);

  test('edit a rule: the preview follows the new threshold, the saved rule changes', async () => {
    const row = page.getByTestId('rules-table').locator('tr[data-rule="chat p95 latency"]');
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('region', { name: 'Edit rule “chat p95 latency”' });
    await form.waitFor();
    expect(await page.getByLabel(/Threshold/).inputValue()).toBe('400');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('chat p95 latency');
    const chart = page.getByTestId('preview-chart');
    await poll(() => chart.textContent()).toContain('threshold 400');
    await poll(() => page.getByTestId('preview-summary').textContent()).toMatch(/Would have fired/);
    // Above every seeded span: the preview redraws the line and stops firing.
    await page.getByLabel(/Threshold/).fill('5000');
    await poll(() => chart.textContent()).toContain('threshold 5000');
    await poll(() => page.getByTestId('preview-summary').textContent()).toBe(
      'Would not have fired in this range.',
    );
    expect(await chart.locator('.firing-area').count()).toBe(0);
    await expectClean('alerts, editing a rule');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('region', { name: 'New rule' }).waitFor();
    await poll(() => row.textContent()).toContain('latency p95 of acme/chat > 5000 over 5m');
    type Stored = {
      rules: Array<{
        id: string;
        name: string;
        enabled: boolean;
        createdAt: string;
        updatedAt: string;
        condition: { threshold: number };
      }>;
    };
    const saved = (await c.api<Stored>('/api/v1/alert-rules')).rules;
    expect(saved.map((r) => [r.name, r.condition.threshold, r.enabled])).toEqual([
      ['chat p95 latency', 5000, true],
    ]);
    expect(saved[0]!.updatedAt > saved[0]!.createdAt).toBe(true);
    // Disable and enable again, from the row.
    await row.getByRole('button', { name: 'Disable' }).click();
    await poll(() => row.textContent()).toContain('disabled');
    expect((await c.api<Stored>('/api/v1/alert-rules')).rules[0]!.enabled).toBe(false);
    await row.getByRole('button', { name: 'Enable' }).click();
    await poll(() => row.textContent()).not.toContain('disabled');
    expect((await c.api<Stored>('/api/v1/alert-rules')).rules[0]!.enabled).toBe(true);
  }, 120_000);

  test('add a channel: the secret is shown once, a test send arrives signed with it', async () => {
    await page.getByLabel('Channel name').fill('loopback');
    await page.getByLabel('Webhook URL').fill(`${receiverUrl}/ok`);
    await page.getByLabel(/^Headers/).fill('X-Team: ml');
    await page.getByRole('button', { name: 'Add channel' }).click();
    const secret = await page.getByTestId('secret-value').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const row = page.getByTestId('channels-table').locator('tr[data-channel="loopback"]');
    await poll(() => row.getAttribute('data-health')).toBe('unknown');
    await expectClean('alerts, channel secret shown');
    // The API never shows it again, and once dismissed neither does the page.
    expect(JSON.stringify(await c.api('/api/v1/channels'))).not.toContain('whsec_');
    await page.getByRole('button', { name: 'Done, I have stored it' }).click();
    await page.getByTestId('secret-box').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Send test' }).click();
    await poll(() => row.getByTestId('test-result').textContent()).toMatch(
      /Delivered: HTTP 200 in \d+ ms/,
    );
    await poll(async () => received.filter((r) => r.path === '/ok').length).toBe(1);
    const got = received.find((r) => r.path === '/ok')!;
    expect(got.headers['x-team']).toBe('ml');
    // Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body" with the secret's key.
    const signed = `${got.headers['webhook-id']}.${got.headers['webhook-timestamp']}.${got.body}`;
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    expect(String(got.headers['webhook-signature']).split(' ')).toContain(
      `v1,${createHmac('sha256', key).update(signed).digest('base64')}`,
    );
    expect(JSON.parse(got.body)).toMatchObject({
      version: '4',
      alerts: [{ labels: { alertname: 'aiobs test notification' } }],
    });
    await poll(() => row.getAttribute('data-health')).toBe('ok');

    // The rule notifies it: ticked in the rule's form.
    const rule = page.getByTestId('rules-table').locator('tr[data-rule="chat p95 latency"]');
    await rule.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('checkbox', { name: 'loopback' }).check();
    await page.getByRole('button', { name: 'Save rule' }).click();
    await poll(() => rule.locator('td').nth(3).textContent()).toBe('loopback');
    const [ruleNow] = (await c.api<{ rules: Array<{ channels: string[] }> }>('/api/v1/alert-rules'))
      .rules;
    const chans = await c.api<{ channels: Array<{ id: string; name: string }> }>(
      '/api/v1/channels',
    );
    expect(ruleNow!.channels).toEqual(chans.channels.map((x) => x.id));

    // A receiver that answers 500: after three failed attempts in a row it shows as failing.
    await page.getByLabel('Channel name').fill('broken');
    await page.getByLabel('Webhook URL').fill(`${receiverUrl}/fail`);
    await page.getByLabel(/^Headers/).fill('');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByTestId('secret-box').waitFor();
    await page.getByRole('button', { name: 'Done, I have stored it' }).click();
    const broken = page.getByTestId('channels-table').locator('tr[data-channel="broken"]');
    for (let i = 0; i < 3; i++) {
      await broken.getByRole('button', { name: 'Send test' }).click();
      await poll(() => broken.getByTestId('test-result').textContent()).toMatch(
        /Not delivered: HTTP 500/,
      );
      await poll(async () => received.filter((r) => r.path === '/fail').length).toBeGreaterThan(i);
    }
    await poll(() => broken.getAttribute('data-health')).toBe('failing');
    expect(await broken.textContent()).toMatch(/\d+ failed attempts in a row \(HTTP 500\)/);
    await screenshot(page, 'light-alerts-channels');
    await expectClean('alerts, a failing channel');
    await broken.getByRole('button', { name: 'Delete' }).click();
    await broken.getByRole('button', { name: 'Yes, delete' }).click();
    await broken.waitFor({ state: 'detached' });
    const left = await c.api<{ channels: Array<{ name: string }> }>('/api/v1/channels');
    expect(left.channels.map((x) => x.name)).toEqual(['loopback']);
  }, 120_000);

  test('create a silence and a maintenance window; expire the silence', async () => {
    await page.getByLabel('Matchers', { exact: true }).fill('alertname="chat p95 latency"');
    await page.getByLabel('Comment', { exact: true }).fill('deploying chat');
    // The time fields, labelled UTC, read as the table does: UTC `YYYY-MM-DD HH:MM`, here
    // in a browser at New York in en-US (a datetime-local field showed `12/02/2026, 03:00 AM`).
    const starts = await page.getByLabel('Starts (UTC)', { exact: true }).inputValue();
    expect(starts).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(Math.abs(Date.parse(`${starts.replace(' ', 'T')}:00Z`) - Date.now())).toBeLessThan(
      5 * 60_000,
    );
    await page.getByRole('button', { name: 'Create silence' }).click();
    const row = page.getByTestId('silences-table').locator('tr[data-silence="deploying chat"]');
    await poll(() => row.textContent()).toContain('alertname="chat p95 latency"');
    expect(await row.textContent()).toContain(starts);
    expect(await row.textContent()).toContain('active');
    const stored = await c.api<{
      silences: Array<{ comment: string; status: { state: string }; matchers: unknown }>;
    }>('/api/v1/silences');
    expect(stored.silences.map((x) => [x.comment, x.status.state, x.matchers])).toEqual([
      ['deploying chat', 'active', [{ name: 'alertname', op: '=', value: 'chat p95 latency' }]],
    ]);
    await page.getByLabel('Window name').fill('driver upgrade');
    await page.getByRole('button', { name: 'Add window' }).click();
    const w = page.getByTestId('windows-table').locator('tr[data-window="driver upgrade"]');
    await poll(() => w.textContent()).toContain('every alert');
    expect(await w.textContent()).toContain('active');
    await expectClean('alerts, a silence and a window');
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.reload();
      await w.waitFor();
      await row.waitFor();
      await poll(() => page.locator('[role="status"].state-loading').count()).toBe(0);
      await screenshot(page, `${theme}-alerts-delivery`);
      await expectClean(`alerts, delivery (${theme})`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await row.getByRole('button', { name: 'Expire' }).click();
    await row.getByRole('button', { name: 'Yes, expire' }).click();
    await poll(() => row.textContent()).toContain('expired');
    await poll(
      async () =>
        (await c.api<{ silences: Array<{ status: { state: string } }> }>('/api/v1/silences'))
          .silences[0]?.status.state,
    ).toBe('expired');
  }, 120_000);

  test('the form offers every signal kind of the rule API, and each previews', async () => {
    await page.goto(`${c.url}/alerts?from=now-1h&to=now`);
    const form = page.getByRole('region', { name: 'New rule' });
    const kind = form.getByLabel('Signal', { exact: true });
    await kind.waitFor();
    // The kinds of the collector's signal schema (alerts/signals/schema.ts); composite rules
    // are shown read-only.
    const kinds = await kind
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    // Read from the schema itself, so a kind added to the API fails here until the form has it.
    expect([...kinds].sort()).toEqual(SIGNAL_KINDS.filter((k) => k !== 'composite').sort());
    // The form starts on a latency rule: the first preview comes once it has a threshold.
    expect(kinds[0]).toBe('latency');
    for (const [i, k] of kinds.entries()) {
      // The preview of this kind's draft: the API takes every body the form builds.
      const answered = page.waitForResponse(
        (r) =>
          r.url().includes('/api/v1/alert-rules/preview') &&
          (JSON.parse(r.request().postData() ?? '{}') as { signal?: { kind?: string } }).signal
            ?.kind === k,
      );
      if (i === 0) await form.getByLabel(/^Threshold/).fill('1');
      else await kind.selectOption(k);
      if (k === 'metric') await form.getByLabel('Metric name').fill('aiobs.inference.queue.depth');
      if (k === 'budget') await form.getByLabel('Budget (USD)').fill('10');
      expect((await answered).status(), k).toBe(200);
      await poll(() => page.getByTestId('preview-summary').textContent()).toMatch(/Would/);
      await page.getByTestId('preview-chart').locator('.recharts-surface').first().waitFor();
    }
    // A weekly band at this range's step would read too much history: said, not asked.
    await kind.selectOption('anomaly');
    await form.getByLabel('Compared with').selectOption('weekly');
    await poll(() => page.getByTestId('preview-unavailable').textContent()).toMatch(
      /cannot replay a weekly anomaly band at this range/,
    );
    await expectClean('alerts, every kind previewed');
  }, 120_000);

  test('a rule with a warning threshold and a filter: create, edit, open by its URL', async () => {
    await page.goto(`${c.url}/alerts?from=now-1h&to=now`);
    const form = page.getByRole('region', { name: 'New rule' });
    // Saved without a name or a threshold: nothing is sent, each field says what it needs.
    await form.getByRole('button', { name: 'Create rule' }).click();
    await poll(() => page.getByTestId('form-problems').textContent()).toBe(
      'Check Name, Threshold.',
    );
    const name = form.getByLabel('Name', { exact: true });
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#rule-name-problem').textContent()).toMatch(/^required/);
    expect(await page.locator('#rule-threshold-problem').textContent()).toBe('required');
    await name.fill('chat v2 p90');
    await form.getByLabel('Quantile (0–1)').fill('0.9');
    await form.getByLabel('Model', { exact: true }).fill('acme/chat');
    await form.getByLabel('Version', { exact: true }).fill('v2');
    await form.getByLabel('Window', { exact: true }).fill('1h');
    await form.getByLabel('For', { exact: true }).fill('0s');
    await form.getByLabel('Evaluate every').fill('2s');
    await form.getByLabel(/^Threshold/).fill('400');
    // A warning on the wrong side of the threshold is said next to it.
    const warning = form.getByLabel(/^Warning threshold/);
    await warning.fill('600');
    await poll(() => page.locator('#rule-warning-problem').textContent()).toBe(
      'must be below the threshold (400) for “above”',
    );
    expect(await warning.getAttribute('aria-describedby')).toBe('rule-warning-problem');
    await warning.fill('300');
    await page.locator('#rule-warning-problem').waitFor({ state: 'detached' });
    const chart = page.getByTestId('preview-chart');
    await poll(() => chart.textContent()).toContain('warning 300');
    expect(await chart.textContent()).toContain('threshold 400');
    await poll(() => page.getByTestId('preview-summary').textContent()).toMatch(/Would have fired/);
    const created = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/v1/alert-rules' && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Create rule' }).click();
    const rule = (await (await created).json()) as { id: string };
    warnedRuleId = rule.id;
    const table = page.getByTestId('rules-table');
    await poll(() => table.locator('tr[data-rule="chat v2 p90"]').textContent()).toContain(
      'latency p90 of acme/chat, version v2 > 400 (warning 300) over 1h',
    );
    // The form starts over for the next rule.
    await poll(() => name.inputValue()).toBe('');
    type Stored = {
      id: string;
      name: string;
      signal: unknown;
      condition: unknown;
      interval: string;
      updatedAt: string;
    };
    const one = () => c.api<Stored>(`/api/v1/alert-rules/${rule.id}`);
    expect(await one()).toMatchObject({
      name: 'chat v2 p90',
      signal: { kind: 'latency', quantile: 0.9, model: 'acme/chat', version: 'v2' },
      condition: { op: '>', threshold: 400, warning: 300 },
      interval: '2s',
    });
    await expectClean('alerts, a rule with a warning and a filter');

    // Clicking the rule opens it in the form; the saved change shows in the table.
    await table.getByRole('link', { name: 'chat v2 p90' }).click();
    await page.waitForURL((u) => u.searchParams.get('rule') === rule.id);
    const edit = page.getByRole('region', { name: 'Edit rule “chat v2 p90”' });
    await edit.waitFor();
    expect(await edit.getByLabel(/^Warning threshold/).inputValue()).toBe('300');
    expect(await edit.getByLabel('Version', { exact: true }).inputValue()).toBe('v2');
    expect(await edit.getByLabel('Quantile (0–1)').inputValue()).toBe('0.9');
    await edit.getByLabel('Name', { exact: true }).fill('chat v1 p90');
    await edit.getByLabel('Version', { exact: true }).fill('v1');
    await edit.getByLabel(/^Warning threshold/).fill('250');
    await poll(() => chart.textContent()).toContain('warning 250');
    const put = page.waitForResponse(
      (r) => r.url().includes(`/api/v1/alert-rules/${rule.id}`) && r.request().method() === 'PUT',
    );
    await edit.getByRole('button', { name: 'Save rule' }).click();
    expect((await put).status()).toBe(200);
    await page.getByRole('region', { name: 'New rule' }).waitFor();
    expect(new URL(page.url()).searchParams.get('rule')).toBeNull();
    const row = table.locator('tr[data-rule="chat v1 p90"]');
    await poll(() => row.textContent()).toContain(
      'latency p90 of acme/chat, version v1 > 400 (warning 250) over 1h',
    );
    expect(await table.locator('tr[data-rule="chat v2 p90"]').count()).toBe(0);
    expect(await one()).toMatchObject({
      name: 'chat v1 p90',
      signal: { kind: 'latency', quantile: 0.9, model: 'acme/chat', version: 'v1' },
      condition: { op: '>', threshold: 400, warning: 250 },
    });

    // Its URL opens it directly.
    await page.goto(`${c.url}/alerts?from=now-1h&to=now&rule=${rule.id}`);
    const direct = page.getByRole('region', { name: 'Edit rule “chat v1 p90”' });
    await direct.waitFor();
    expect(await direct.getByLabel(/^Warning threshold/).inputValue()).toBe('250');
    expect(await direct.getByLabel('Version', { exact: true }).inputValue()).toBe('v1');
    expect(await row.getAttribute('aria-current')).toBe('true');
    await poll(() => chart.textContent()).toContain('warning 250');
    await screenshot(page, 'light-alerts-rule-edit');
    await expectClean('alerts, a rule opened by its URL');
    // An id the project does not have says so.
    await page.goto(`${c.url}/alerts?from=now-1h&to=now&rule=no-such-rule`);
    await page.getByRole('region', { name: 'Rule not found' }).waitFor();

    // It fires (v1's slowest spans are above 400 ms over the hour): the overview's firing
    // alerts link to it.
    await poll(async () =>
      (
        await c.api<{ alerts: Array<{ ruleId: string }> }>('/api/v1/alerts?state=firing')
      ).alerts.map((a) => a.ruleId),
    ).toContain(rule.id);
    await page.goto(`${c.url}/?from=now-1h&to=now`);
    const firing = page.getByTestId('firing-alerts').locator('tr[data-rule="chat v1 p90"]');
    await firing.getByRole('link', { name: 'chat v1 p90' }).waitFor({ timeout: 30_000 });
    await firing.getByRole('link', { name: 'chat v1 p90' }).click();
    await page.waitForURL(
      (u) => u.pathname === '/alerts' && u.searchParams.get('rule') === rule.id,
    );
    await page.getByRole('region', { name: 'Edit rule “chat v1 p90”' }).waitFor();
  }, 120_000);

  test('a composite rule shows read-only, with its preview', async () => {
    const json = (body: unknown) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const rule = await c.api<{ id: string }>(
      '/api/v1/alert-rules',
      json({
        name: 'slow and failing',
        signal: {
          kind: 'composite',
          signals: [
            {
              signal: { kind: 'latency', quantile: 0.95, model: 'acme/chat' },
              condition: { op: '>', threshold: 300 },
            },
            {
              signal: { kind: 'errorRate', model: 'acme/chat' },
              condition: { op: '>', threshold: 0 },
            },
          ],
        },
        window: '1h',
        interval: '1m',
      }),
    );
    await page.goto(`${c.url}/alerts?from=now-1h&to=now`);
    const row = page.getByTestId('rules-table').locator('tr[data-rule="slow and failing"]');
    await row.getByRole('button', { name: 'View' }).click();
    await page.waitForURL((u) => u.searchParams.get('rule') === rule.id);
    const view = page.getByRole('region', { name: 'Rule “slow and failing”' });
    await view.waitFor();
    expect(await view.getByTestId('read-only-note').textContent()).toContain(
      'The form cannot edit composite rules',
    );
    expect(await view.getByTestId('rule-facts').textContent()).toContain(
      'latency p95 of acme/chat > 300',
    );
    expect(await row.textContent()).toContain(
      'latency p95 of acme/chat > 300 AND error rate of acme/chat > 0 over 1h',
    );
    expect(await view.getByRole('button', { name: 'Save rule' }).count()).toBe(0);
    await poll(() => page.getByTestId('preview-summary').textContent()).toMatch(/Would/);
    await page.getByTestId('preview-chart').locator('.recharts-line path').first().waitFor();
    await expectClean('alerts, a composite rule');
    await view.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('region', { name: 'New rule' }).waitFor();
  }, 60_000);

  test('a viewer sees the alerts without the write controls', async () => {
    const viewer = {
      email: 'watcher@example.com',
      name: 'Watcher',
      password: 'a-long-viewer-pass-1',
    };
    const json = (body: unknown) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await c.api('/api/v1/users', json(viewer));
    await c.api('/api/v1/projects/default/members', json({ email: viewer.email, role: 'viewer' }));
    await signInWithPassword(page, c.url, viewer.email, viewer.password);
    await page.goto(`${c.url}/alerts?from=now-1h&to=now`);
    await page.getByTestId('viewer-note').waitFor();
    await page.getByTestId('rules-table').locator('tr[data-rule="chat p95 latency"]').waitFor();
    await page.getByTestId('channels-table').locator('tr[data-channel="loopback"]').waitFor();
    for (const name of ['Create rule', 'Edit', 'Add channel', 'Send test', 'Create silence'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    await expectClean('alerts as a viewer');
    // A rule's link opens it read-only: every field shown, none changeable, and its preview
    // drawn (replaying a rule reads and changes nothing, so a viewer may).
    // Until `/auth/me` answers, the role is unknown: the rules show, but neither a form
    // that could be edited nor the viewer's note.
    const release = await holdRequests(page, /\/api\/v1\/auth\/me/);
    await page.goto(`${c.url}/alerts?from=now-1h&to=now&rule=${warnedRuleId}`);
    await page.getByTestId('rules-table').locator('tr[data-rule="chat v1 p90"]').waitFor();
    expect(await page.getByRole('button', { name: 'Save rule' }).count()).toBe(0);
    expect(await page.getByTestId('viewer-note').count()).toBe(0);
    await page.getByText('Loading the rule').waitFor();
    await release();
    const rule = page.getByRole('region', { name: 'Rule “chat v1 p90”', exact: true });
    await rule.waitFor();
    await expect.poll(() => rule.getByLabel(/^Warning threshold/).inputValue()).toBe('250');
    expect(await rule.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    expect(await rule.getByRole('button', { name: 'Save rule' }).count()).toBe(0);
    await rule.getByTestId('preview-chart').locator('.recharts-line path').first().waitFor();
    expect(await rule.getByTestId('preview-summary').textContent()).toMatch(/\S/);
    await expectClean('a rule as a viewer');
  }, 60_000);
});
