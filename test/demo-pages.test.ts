// `npm run demo` fills every dashboard page within a minute (issue 15 item 4): against a fresh
// collector, each page's API has the demo's data within 60 s of the demo starting: models,
// traces, the simulated GPU fleet (and the Models page's GPU join), the fraud model's default
// drift baseline, the demo's alert rules and one of them pending or firing. A second run
// creates nothing twice. Where Chromium is installed, each page is then opened and a value read
// from its DOM.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser, signIn } from './dashboard/browser.js';
import { REPO_ROOT, type RunningCollector, startCollector } from './helpers/collector.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo', 'dist', 'main.js');
const RATE = 15;
const DURATION_S = 45;
const PAGES_WITHIN_MS = 60_000;
const BASELINE = 'demo: fraud-detector before the drift';
const FIRING_RULE = 'demo: support-chat p95 time to first token above 500 ms';
const NODES = ['demo-gpu-node-1', 'demo-gpu-node-2'];

interface Metric {
  name: string;
  attributes: Record<string, string>;
  value: number;
}

/** Runs the demo to its end; `onLine` sees each stdout line as it comes. */
function runDemo(
  env: NodeJS.ProcessEnv,
  args: string[],
  onLine: (l: string) => void = () => {},
): { exited: Promise<{ code: number | null; output: string }> } {
  let output = '';
  const child = spawn(process.execPath, [DEMO, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  createInterface({ input: child.stdout }).on('line', (l) => {
    output += `${l}\n`;
    onLine(l);
  });
  const exited = new Promise<{ code: number | null; output: string }>((r) =>
    child.once('exit', (code) => setImmediate(() => r({ code, output }))),
  );
  return { exited };
}

describe('npm run demo fills every dashboard page', () => {
  let collector: RunningCollector;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let startedAt = 0;
  let first: { code: number | null; output: string };
  /** ms after the demo started at which each page's check was sent and found its data. */
  const passedAt: Record<string, number> = {};
  const lastError: Record<string, string> = {};

  const api = <T>(path: string) => collector.api<T>(path);
  const query = async <T = Record<string, string>>(sql: string) =>
    (
      await collector.api<{ rows: T[] }>('/api/v1/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql }),
      })
    ).rows;

  /** One check per page: resolves true once the page's API has the demo's data. */
  const pages: Record<string, () => Promise<boolean>> = {
    models: async () => {
      const { models } = await api<{ models: { model: string; requests: number }[] }>(
        '/api/v1/models',
      );
      const names = models.map((m) => m.model);
      return ['fraud-detector', 'support-chat', 'text-embedding-3-small'].every((m) =>
        names.includes(m),
      );
    },
    traces: async () => {
      // the page's default range: back-filled traces count, as they do on screen
      const { traces } = await api<{ traces: { services: string[] }[] }>('/api/v1/traces');
      return traces.some((t) => t.services.includes('aiobs-demo'));
    },
    gpus: async () => {
      const { gpus } = await api<{ gpus: { hostName: string; id: string; metrics: Metric[] }[] }>(
        '/api/v1/gpus',
      );
      const demo = gpus.filter((g) => NODES.includes(g.hostName));
      const has = (g: (typeof demo)[number], name: string) =>
        g.metrics.some((m) => m.name === name);
      return (
        demo.length === 4 &&
        NODES.every((n) => demo.filter((g) => g.hostName === n).length === 2) &&
        demo.every((g) =>
          [
            'hw.gpu.utilization',
            'hw.gpu.memory.usage',
            'hw.gpu.memory.limit',
            'hw.temperature',
            'hw.power',
            'aiobs.gpu.throttle.active',
          ].every((m) => has(g, m)),
        )
      );
    },
    hosts: async () => {
      const { hosts } = await api<{
        hosts: { hostName: string; gpuCount: number; metrics: Metric[] }[];
      }>('/api/v1/hosts');
      return NODES.every((n) => {
        const h = hosts.find((x) => x.hostName === n);
        return h?.gpuCount === 2 && h.metrics.some((m) => m.name === 'system.cpu.utilization');
      });
    },
    modelGpuJoin: async () => {
      const r = await api<{ hosts: string[]; gpus: unknown[] }>(
        `/api/v1/models/gpu?model=support-chat&from=${startedAt - 3_600_000}`,
      );
      return r.hosts.includes('demo-gpu-node-1') && r.gpus.length === 2;
    },
    drift: async () => {
      const { baselines } = await api<{
        baselines: { id: string; name: string; model: string; isDefault: boolean }[];
      }>('/api/v1/drift/baselines');
      const b = baselines.find((x) => x.name === BASELINE);
      if (!b?.isDefault || b.model !== 'fraud-detector') return false;
      const d = await api<{
        features: { feature: string; referenceCount: number; currentCount: number }[];
      }>(`/api/v1/drift?baseline=${b.id}&from=${startedAt}`);
      const byName = new Map(d.features.map((f) => [f.feature, f]));
      return ['amount', 'country', 'merchant_category', 'account_age_days'].every(
        (f) => (byName.get(f)?.referenceCount ?? 0) > 50 && (byName.get(f)?.currentCount ?? 0) > 0,
      );
    },
    alertRules: async () => {
      const { rules } = await api<{ rules: { name: string; channels: string[] }[] }>(
        '/api/v1/alert-rules',
      );
      const demo = rules.filter((r) => r.name.startsWith('demo: '));
      return demo.length === 3 && demo.every((r) => r.channels.length === 0);
    },
    alerts: async () => {
      const { alerts } = await api<{ alerts: { ruleName: string; state: string }[] }>(
        '/api/v1/alerts?state=firing,pending',
      );
      return alerts.some((a) => a.ruleName === FIRING_RULE);
    },
  };

  beforeAll(async () => {
    collector = await startCollector();
    // the demo finds both keys in <AIOBS_DATA_DIR>/credentials.json, as the collector writes it
    dataDir = mkdtempSync(join(tmpdir(), 'aiobs-demo-pages-'));
    writeFileSync(
      join(dataDir, 'credentials.json'),
      JSON.stringify({ apiKey: collector.apiKey, adminToken: collector.adminToken }),
    );
    env = { ...process.env, AIOBS_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url };
    delete env.AIOBS_API_KEY;
    delete env.AIOBS_ADMIN_TOKEN;
    startedAt = Date.now();
    const run = runDemo(env, [
      '--backfill-hours',
      '1',
      '--duration',
      `${DURATION_S}s`,
      '--rate',
      String(RATE),
      '--drift-after',
      '20s',
    ]);
    // Poll every page until all have data or the minute is up (no fixed sleeps).
    const deadline = startedAt + PAGES_WITHIN_MS;
    while (Date.now() < deadline && Object.keys(passedAt).length < Object.keys(pages).length) {
      for (const [page, check] of Object.entries(pages)) {
        if (passedAt[page] !== undefined) continue;
        // the data was there when the request went out (a loaded machine answers late)
        const sentAt = Date.now() - startedAt;
        try {
          if (await check()) passedAt[page] = sentAt;
        } catch (err) {
          lastError[page] = (err as Error).message;
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    first = await run.exited;
  }, 180_000);

  afterAll(async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (collector) expect(await collector.stop()).toBe(0);
  });

  it('has data on every page within 60 s of starting', () => {
    expect(first.code, first.output).toBe(0);
    const missing = Object.keys(pages).filter((p) => passedAt[p] === undefined);
    expect(
      missing,
      `pages without data after 60 s: ${JSON.stringify(lastError)}\n${first.output}`,
    ).toEqual([]);
    for (const p of Object.keys(pages))
      expect(passedAt[p], JSON.stringify(passedAt)).toBeLessThanOrEqual(PAGES_WITHIN_MS);
    console.info(`pages with data after (ms): ${JSON.stringify(passedAt)}`);
  });

  it('prints what it set up', () => {
    expect(first.output).toContain(`created drift baseline "${BASELINE}"`);
    expect(first.output.match(/created alert rule "demo: /g)).toHaveLength(3);
    expect(first.output).toMatch(/simulated GPUs: demo-gpu-node-1 \(2\), demo-gpu-node-2 \(2\)/);
  });

  it('labels the GPU nodes as simulated and puts the inferences on the first node', async () => {
    const nodes = await query<{ host: string; simulated: string; service: string }>(
      `SELECT DISTINCT ResourceAttributes['host.name'] AS host,
              ResourceAttributes['aiobs.demo.simulated'] AS simulated, ServiceName AS service
       FROM otel_metrics_gauge WHERE MetricName = 'hw.gpu.utilization' ORDER BY host`,
    );
    expect(nodes).toEqual(
      NODES.map((host) => ({ host, simulated: 'true', service: 'aiobs-demo-gpu-sim' })),
    );
    const hosts = await query<{ host: string }>(
      `SELECT DISTINCT ResourceAttributes['host.name'] AS host FROM otel_traces
       WHERE ServiceName = 'aiobs-demo' AND SpanAttributes['gen_ai.operation.name'] != ''`,
    );
    expect(hosts).toEqual([{ host: 'demo-gpu-node-1' }]);
  });

  it("follows the demo's load: live utilization above the quieter back-filled hour", async () => {
    const [row] = await query<{ past: number; live: number; live_n: string }>(
      `SELECT avgIf(Value, TimeUnix < fromUnixTimestamp64Milli(${startedAt - 30_000})) AS past,
              avgIf(Value, TimeUnix > fromUnixTimestamp64Milli(${startedAt + 15_000})) AS live,
              countIf(TimeUnix > fromUnixTimestamp64Milli(${startedAt + 15_000})) AS live_n
       FROM otel_metrics_gauge
       WHERE MetricName = 'hw.gpu.utilization' AND Attributes['hw.gpu.task'] = 'general'`,
    );
    // back-fill: ≤ 2 req/s (a daily curve); live: 15 req/s
    expect(Number(row?.live_n)).toBeGreaterThanOrEqual(8);
    expect(Number(row?.live)).toBeGreaterThan(Number(row?.past) + 0.3);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'shows the demo on every page in Chromium',
    async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.context.newPage();
        await signIn(page, collector.url, collector.adminToken);
        /** The text of the first element matching `selector` on `path`, once it renders. */
        const read = async (path: string, selector: string, timeout = 30_000) => {
          await page.goto(`${collector.url}${path}`);
          const el = page.locator(selector).first();
          await el.waitFor({ timeout });
          return (await el.textContent()) ?? '';
        };
        const range = 'from=now-1h&to=now';
        expect(await read(`/?${range}`, '[data-testid="fleet-gpus"]')).toMatch(/\b4\b/);
        const requests = await read(
          `/models?${range}`,
          'tr[data-model="support-chat"] [data-testid="requests"]',
        );
        expect(Number(requests.replace(/\D/g, ''))).toBeGreaterThan(0);
        expect(
          await read(`/traces?${range}`, '[data-testid="traces-table"] tr[data-trace]'),
        ).toMatch(/aiobs-demo/);
        expect(await read(`/infrastructure?${range}`, 'tr[data-host="demo-gpu-node-2"]')).toMatch(
          /demo-gpu-node-2\s*2/,
        );
        expect(
          await read(`/drift?model=fraud-detector&${range}`, '[data-testid="drift-reference"]'),
        ).toContain(`baseline “${BASELINE}” (default)`);
        // drift is computed on request: the slowest page on a busy machine
        expect(
          await page.locator('tr[data-feature="amount"]').first().textContent({ timeout: 90_000 }),
        ).toContain('amount');
        expect(
          await read(
            `/alerts?${range}`,
            `[data-testid="alerts-table"] tr[data-rule="${FIRING_RULE}"]`,
          ),
        ).toMatch(/pending|firing/i);
      } finally {
        await browser.close();
      }
    },
    180_000,
  );

  it('creates nothing twice when run again', async () => {
    const again = await runDemo(env, ['--no-backfill', '--duration', '2s', '--rate', '5']).exited;
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain(`drift baseline "${BASELINE}" is already there`);
    expect(again.output.match(/alert rule "demo: [^"]+" is already there/g)).toHaveLength(3);
    expect(again.output).not.toContain('created');
    const { baselines } = await api<{ baselines: { name: string }[] }>('/api/v1/drift/baselines');
    expect(baselines.filter((b) => b.name === BASELINE)).toHaveLength(1);
    const { rules } = await api<{ rules: { name: string }[] }>('/api/v1/alert-rules');
    expect(rules.filter((r) => r.name.startsWith('demo: '))).toHaveLength(3);
  });

  it('skips the setup with a note when there is no admin token', async () => {
    const noAdmin = mkdtempSync(join(tmpdir(), 'aiobs-demo-noadmin-'));
    try {
      writeFileSync(
        join(noAdmin, 'credentials.json'),
        JSON.stringify({ apiKey: collector.apiKey }),
      );
      const r = await runDemo({ ...env, AIOBS_DATA_DIR: noAdmin }, [
        '--no-backfill',
        '--duration',
        '1s',
        '--rate',
        '2',
      ]).exited;
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(
        /no admin token .*: the drift baseline and alert rules are not set up/,
      );
    } finally {
      rmSync(noAdmin, { recursive: true, force: true });
    }
  });
});
