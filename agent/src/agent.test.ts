import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Agent, collectionsPerRequest, createAgent } from './agent.js';
import { loadConfig } from './config/config.js';
import { createLogger } from './logger.js';
import { type CaptureServer, startCaptureServer } from './test-support/capture-server.js';
import { allMetrics, decodeMetricsRequest } from './test-support/otlp-decode.js';

let dir: string;
let server: CaptureServer;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-agent-'));
  server = await startCaptureServer();
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Collection times (ms) in one request: `system.uptime` has one point per collection. */
function collectionTimes(body: Uint8Array): number[] {
  const uptime = allMetrics(decodeMetricsRequest(body)).find((m) => m.name === 'system.uptime');
  return (uptime?.points ?? []).map((p) => Number(BigInt(p.timeUnixNano) / 1_000_000n));
}

describe('collections per request', () => {
  const config = (interval: string, exportInterval?: string) =>
    loadConfig({ interval, exportInterval, apiKey: 'k', dataDir: dir }, { HOME: dir });

  it('two from a 1 s up to a 5 s interval, else one, or the export interval in whole intervals', () => {
    expect(collectionsPerRequest(config('500ms'))).toBe(1);
    expect(collectionsPerRequest(config('1s'))).toBe(2);
    expect(collectionsPerRequest(config('4s'))).toBe(2);
    expect(collectionsPerRequest(config('5s'))).toBe(1);
    expect(collectionsPerRequest(config('10s'))).toBe(1);
    expect(collectionsPerRequest(config('1s', '1s'))).toBe(1);
    expect(collectionsPerRequest(config('1s', '5s'))).toBe(5);
    expect(collectionsPerRequest(config('2s', '5s'))).toBe(2);
    expect(collectionsPerRequest(config('10s', '30s'))).toBe(3);
    expect(collectionsPerRequest(config('100ms', '1h'))).toBe(60);
  });

  it('refuses an export interval shorter than the collection interval, naming the flag', () => {
    expect(() => config('10s', '5s')).toThrow(/--export-interval: "5s" is shorter/);
    expect(() => config('1s', 'often')).toThrow(/--export-interval: "often" is not a duration/);
  });
});

describe('agent export batching', () => {
  it('sends each batch of collections as one request, each with its own time, and the rest at stop', async () => {
    const config = loadConfig(
      {
        collector: server.url,
        apiKey: 'k',
        interval: '200ms',
        exportInterval: '600ms',
        stateDir: dir,
        gpu: false,
      },
      { HOME: dir },
    );
    let agent: Agent | undefined;
    let stopping: Promise<unknown> | undefined;
    // Stopping right after the 4th collection leaves one collection waiting for its batch
    // (3 per request): stop must send it.
    const logger = createLogger('debug', (line) => {
      const l = JSON.parse(line) as { msg: string; seq?: number };
      if (l.msg === 'collected' && l.seq === 4 && agent) stopping ??= agent.stop(5000);
    });
    agent = await createAgent(config, logger);
    await agent.start();
    const deadline = Date.now() + 30_000;
    while (!stopping && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(stopping, 'the agent took 4 collections within 30 s').toBeDefined();
    const summary = (await stopping) as Awaited<ReturnType<Agent['stop']>>;

    const batches = server.requests.map((r) => collectionTimes(r.body));
    expect(batches.map((b) => b.length)).toEqual([3, 1]);
    expect(summary).toMatchObject({ collections: 4, sent: 2, buffered: 0 });
    const times = batches.flat();
    // One point per collection, in order, on the 200 ms grid (a tick skipped on a loaded
    // machine leaves a gap of two).
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      expect(gap > 0 && gap % 200 === 0, `gap ${gap} ms`).toBe(true);
    }
  }, 40_000);
});
