// A Node app using @aiobs/sdk with the collector unreachable (a port that refuses connections):
// it must run to completion and exit 0 on its own, print nothing, reject nothing unhandled, and
// keep its memory bounded however much it records while the collector is down.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/collector.js';

const run = promisify(execFile);

const APP = `
import { init, observeInference, recordFeedback, recordQueueDepth } from '@aiobs/sdk';
process.on('unhandledRejection', (r) => { process.stdout.write(JSON.stringify({ unhandled: String(r) }) + '\\n'); });
const aiobs = init({ serviceName: 'offline-app' });
const heap = () => { globalThis.gc(); return process.memoryUsage().heapUsed; };
async function work(n) {
  for (let i = 0; i < n; i++) {
    const id = await observeInference(
      { model: 'm', provider: 'p', version: 'v1', features: { x: i, c: 'k' + (i % 7) } },
      async (inf) => { inf.setUsage({ inputTokens: 100, outputTokens: 20 }); inf.setPrediction({ score: 0.5 }); return inf.predictionId; },
    );
    if (i % 4 === 0) recordFeedback(id, { correct: true });
    if (i % 1000 === 0) { recordQueueDepth('m', i % 13); await new Promise((r) => setImmediate(r)); }
  }
}
await work(20_000);
const before = heap();
await work(80_000);
const after = heap();
await aiobs.shutdown();
const s = aiobs.stats();
process.stdout.write(JSON.stringify({ before, after, stats: s }) + '\\n');
`;

async function refusingPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('@aiobs/sdk with the collector down', () => {
  it('runs, exits 0 by itself, prints nothing and keeps memory bounded', async () => {
    const port = await refusingPort();
    const { stdout, stderr } = await run(
      process.execPath,
      ['--expose-gc', '--input-type=module', '-e', APP],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          // fail each export within a second instead of retrying for 10 s, so the run is short
          OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
        },
        timeout: 60_000,
      },
    );
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1); // no "unhandled" lines, no logging
    const out = JSON.parse(lines[0] as string) as {
      before: number;
      after: number;
      stats: Record<
        string,
        { exported: number; droppedQueueFull: number; droppedExportFailed: number; queued: number }
      >;
    };
    // 80k more inferences (+20k feedback records) while down: the queues cap what is kept.
    // Unbounded, that is well over 100 MB of spans; bounded, a few MB of queue.
    expect(out.after - out.before).toBeLessThan(24 * 1024 * 1024);
    const spans = out.stats.spans;
    expect(spans?.exported).toBe(0);
    expect(spans?.queued).toBe(0);
    expect(
      (spans?.droppedQueueFull ?? 0) + (spans?.droppedExportFailed ?? 0),
    ).toBeGreaterThanOrEqual(100_000 - 512);
    expect(out.stats.logs?.droppedQueueFull).toBeGreaterThan(0);
  });
});
