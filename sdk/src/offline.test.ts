import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordFeedback } from './feedback.js';
import { init } from './init.js';
import { observeInference } from './instrument.js';
import { recordQueueDepth } from './queue-depth.js';
import type { AiobsHandle } from './types.js';

/** A loopback port that refuses connections: bound once, then closed. */
async function refusingPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

let handle: AiobsHandle | undefined;
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
  vi.restoreAllMocks();
});

describe('with the collector unreachable', () => {
  it('keeps running, prints nothing, rejects nothing and contacts only the endpoint', async () => {
    const port = await refusingPort();
    const targets: string[] = [];
    const connect = net.Socket.prototype.connect;
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
      this: net.Socket,
      ...args: unknown[]
    ) {
      // net.connect() passes its normalized [options, callback] pair as the first argument
      const first = Array.isArray(args[0]) ? args[0][0] : args[0];
      const o = first as { host?: string; port?: number } | number;
      targets.push(
        typeof o === 'object' ? `${o.host}:${o.port}` : `${args[1] ?? 'localhost'}:${o}`,
      );
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    });
    const writes = [vi.spyOn(process.stdout, 'write'), vi.spyOn(process.stderr, 'write')];
    const consoles = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
      vi.spyOn(console, m),
    );
    const rejections: unknown[] = [];
    const onRejection = (r: unknown) => rejections.push(r);
    process.on('unhandledRejection', onRejection);
    try {
      handle = init({
        endpoint: `http://127.0.0.1:${port}`,
        exportTimeoutMillis: 500,
        serviceName: 'offline',
      });
      for (let i = 0; i < 200; i++) {
        const id = await observeInference(
          { model: 'm', provider: 'p', features: { x: i } },
          async (inf) => {
            inf.setUsage({ inputTokens: 3, outputTokens: 5 });
            return inf.predictionId;
          },
        );
        if (i % 10 === 0) recordFeedback(id, { correct: true });
      }
      recordQueueDepth('m', 4);
      await handle.forceFlush();
      await nextTurn();
      const s = handle.stats();
      expect(s.spans.droppedExportFailed).toBe(200);
      expect(s.logs.droppedExportFailed).toBe(20);
      expect(s.metricPoints.droppedExportFailed).toBeGreaterThan(0);
      expect(rejections).toEqual([]);
      for (const w of writes) expect(w).not.toHaveBeenCalled();
      for (const c of consoles) expect(c).not.toHaveBeenCalled();
      expect(targets.length).toBeGreaterThan(0);
      expect(new Set(targets)).toEqual(new Set([`127.0.0.1:${port}`]));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('keeps its queues bounded and accounts for every span', async () => {
    const port = await refusingPort();
    handle = init({
      endpoint: `http://127.0.0.1:${port}`,
      exportTimeoutMillis: 500,
      maxQueueSize: 100,
      maxExportBatchSize: 50,
    });
    const produced = 5000;
    let maxQueued = 0;
    for (let i = 0; i < produced; i++) {
      observeInference({ model: 'm', provider: 'p' }, () => i);
      if (i % 100 === 0) await nextTurn();
      maxQueued = Math.max(maxQueued, handle.stats().spans.queued);
    }
    expect(maxQueued).toBeLessThanOrEqual(100);
    await handle.forceFlush();
    const s = handle.stats().spans;
    expect(s.queued).toBe(0);
    expect(s.exported).toBe(0);
    expect(s.droppedQueueFull).toBeGreaterThan(0);
    expect(s.droppedQueueFull + s.droppedExportFailed).toBe(produced);
  });
});

describe('shutdown with the collector unreachable', () => {
  it('gives up after shutdownTimeoutMillis and counts what it could not send', async () => {
    const port = await refusingPort();
    // a 10 s OTLP timeout: each failing export would hold a plain shutdown for seconds
    handle = init({
      endpoint: `http://127.0.0.1:${port}`,
      exportTimeoutMillis: 10_000,
      shutdownTimeoutMillis: 300,
    });
    for (let i = 0; i < 1200; i++) observeInference({ model: 'm', provider: 'p' }, () => i);
    const h = handle;
    const t0 = performance.now();
    await h.shutdown();
    handle = undefined;
    expect(performance.now() - t0).toBeLessThan(2000);
    const s = h.stats().spans;
    expect(s.queued).toBe(0);
    // the batch in flight when the deadline passed is still pending; everything else is counted
    expect(s.droppedExportFailed).toBeGreaterThanOrEqual(1200 - 512);
  });
});
