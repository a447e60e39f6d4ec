import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { type Collection, gauge } from '../metrics/model.js';
import { type CaptureServer, startCaptureServer } from '../test-support/capture-server.js';
import { waitFor } from '../test-support/fake-gpu.js';
import { allMetrics, decodeMetricsRequest } from '../test-support/otlp-decode.js';
import { DiskQueue } from './disk-queue.js';
import { Exporter, type Timers } from './exporter.js';
import { encodeMetricsRequest } from './otlp-encode.js';

/** Timers the test fires by hand: retries happen when the test says so, not after a sleep. */
class ManualTimers implements Timers {
  pending: { fn: () => void; ms: number; id: number }[] = [];
  private id = 0;
  setTimeout(fn: () => void, ms: number) {
    const t = { fn, ms, id: ++this.id };
    this.pending.push(t);
    return t;
  }
  clearTimeout(h: unknown) {
    this.pending = this.pending.filter((t) => t !== h);
  }
  fire() {
    const t = this.pending.shift();
    if (!t) throw new Error('no timer pending');
    t.fn();
    return t.ms;
  }
}

let dir: string;
let server: CaptureServer;
let timers: ManualTimers;
let logs: string[];
let now: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-exp-'));
  server = await startCaptureServer();
  timers = new ManualTimers();
  logs = [];
  now = 1_760_000_000_000;
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = (i: number) => {
  const c: Collection = {
    timeMs: 1_760_000_000_000 + i * 1000,
    metrics: [gauge('system.uptime', 's', [{ attributes: {}, value: i }])],
  };
  return encodeMetricsRequest({ 'host.name': 'h' }, { name: 'a', version: '1' }, [c]);
};

/** Values of system.uptime across all requests the server received, in arrival order. */
const received = () =>
  server.requests.flatMap((r) =>
    allMetrics(decodeMetricsRequest(r.body))
      .filter((m) => m.name === 'system.uptime')
      .flatMap((m) => m.points.map((p) => p.value)),
  );

async function make(
  opts: { maxBytes?: number; maxAgeMs?: number; compression?: 'gzip' | 'none'; url?: string } = {},
) {
  const queue = await DiskQueue.open(join(dir, 'buffer'), {
    maxBytes: opts.maxBytes ?? 1 << 20,
    maxAgeMs: opts.maxAgeMs ?? 3_600_000,
  });
  const exporter = new Exporter({
    url: opts.url ?? `${server.url}/v1/metrics`,
    headers: { authorization: 'Bearer k-123' },
    timeoutMs: 2000,
    compression: opts.compression ?? 'none',
    queue,
    logger: createLogger('debug', (l) => logs.push(l)),
    timers,
    now: () => now,
    backoff: { initialMs: 1000, maxMs: 60_000, maxRetryAfterMs: 600_000, random: () => 0.5 },
  });
  return { queue, exporter };
}

describe('Exporter', () => {
  it('POSTs OTLP protobuf with the bearer key', async () => {
    const { exporter, queue } = await make();
    await exporter.export(body(1), now);
    expect(server.requests).toHaveLength(1);
    const r = server.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/v1/metrics');
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    expect(r.headers.authorization).toBe('Bearer k-123');
    expect(received()).toEqual([1]);
    expect(queue.length).toBe(0);
    expect(exporter.stats).toMatchObject({ sent: 1, buffered: 0 });
  });

  it('gzips when asked to', async () => {
    const { exporter } = await make({ compression: 'gzip' });
    await exporter.export(body(2), now);
    expect(server.requests[0]!.headers['content-encoding']).toBe('gzip');
    expect(received()).toEqual([2]);
  });

  it('buffers on 503, honours Retry-After, then replays everything in order', async () => {
    const { exporter, queue } = await make();
    server.respond({ status: 503, headers: { 'retry-after': '7' } });
    await exporter.export(body(1), now);
    expect(queue.length).toBe(1);
    expect(timers.pending.map((t) => t.ms)).toEqual([7000]);
    // While the retry is pending, new collections queue behind without a request.
    await exporter.export(body(2), now);
    await exporter.export(body(3), now);
    expect(server.requests).toHaveLength(1);
    expect(queue.length).toBe(3);
    expect(readdirSync(join(dir, 'buffer'))).toHaveLength(3);
    timers.fire();
    // The queue empties as each file's removal starts; the count follows once they are gone.
    await waitFor(
      () => queue.length === 0 && exporter.stats.replayed === 3,
      5000,
      'the buffer to drain',
    );
    // The three buffered requests went out merged into one, oldest first.
    expect(server.requests).toHaveLength(2);
    expect(received()).toEqual([1, 1, 2, 3]);
    expect(exporter.stats).toMatchObject({ sent: 1, buffered: 3, replayed: 3, dropped: 0 });
    await exporter.export(body(4), now);
    expect(received()).toEqual([1, 1, 2, 3, 4]);
  });

  it('backs off exponentially while the collector is down, and delivers after it is back', async () => {
    const down = await make({ url: 'http://127.0.0.1:9/v1/metrics' });
    await down.exporter.export(body(1), now);
    expect(timers.fire()).toBe(1000);
    await waitFor(() => timers.pending.length === 1, 5000, 'second retry');
    expect(timers.fire()).toBe(2000);
    await waitFor(() => timers.pending.length === 1, 5000, 'third retry');
    expect(timers.pending[0]!.ms).toBe(4000);
    expect(logs.filter((l) => l.includes('collector unavailable'))).toHaveLength(1);
    // Same buffer directory, collector reachable: a new exporter (agent restart) delivers it.
    down.exporter.stop();
    const up = await make();
    expect(up.queue.length).toBe(1);
    await up.exporter.flush(now + 5000);
    expect(received()).toEqual([1]);
    expect(up.queue.length).toBe(0);
  });

  it('drops requests the collector rejects as invalid, without retrying', async () => {
    const { exporter, queue } = await make();
    server.respond({ status: 400, body: 'undecodable' });
    await exporter.export(body(1), now);
    expect(queue.length).toBe(0);
    expect(timers.pending).toHaveLength(0);
    expect(exporter.stats.dropped).toBe(1);
    expect(logs.some((l) => l.includes('not retryable') && l.includes('undecodable'))).toBe(true);
    await exporter.export(body(2), now);
    expect(received()).toEqual([1, 2]);
  });

  it('keeps data on disk when the key is refused, and sends it once accepted', async () => {
    const { exporter, queue } = await make();
    server.respond({ status: 401 }, { status: 401 });
    await exporter.export(body(1), now);
    expect(queue.length).toBe(1);
    expect(timers.pending.map((t) => t.ms)).toEqual([60_000]);
    timers.fire();
    await waitFor(() => timers.pending.length === 1, 5000, 'the next slow retry');
    expect(logs.filter((l) => l.includes('refused the API key'))).toHaveLength(1);
    timers.fire();
    await waitFor(() => queue.length === 0, 5000, 'delivery');
    expect(received()).toEqual([1, 1, 1]);
  });

  it('bounds the buffer by size, dropping the oldest', async () => {
    const size = body(1).length;
    const { exporter, queue } = await make({ maxBytes: size * 2 + 1 });
    server.fallback = { status: 503, headers: { 'retry-after': '1' } };
    for (let i = 1; i <= 4; i++) await exporter.export(body(i), now);
    expect(queue.length).toBe(2);
    expect(exporter.stats.dropped).toBe(2);
    server.fallback = { status: 200 };
    timers.fire();
    await waitFor(() => queue.length === 0);
    expect(received().slice(1)).toEqual([3, 4]);
  });

  it('bounds the buffer by age', async () => {
    const { exporter, queue } = await make({ maxAgeMs: 60_000 });
    server.respond({ status: 503 });
    await exporter.export(body(1), now);
    await exporter.export(body(2), now + 50_000);
    now += 90_000;
    timers.fire();
    await waitFor(() => queue.length === 0);
    expect(received()).toEqual([1, 2]);
    expect(exporter.stats.dropped).toBe(1);
    expect(logs.some((l) => l.includes('older than the age limit'))).toBe(true);
  });

  it('counts data points the collector rejected in a partial success', async () => {
    const { exporter } = await make();
    const ps = [0x08, 0x02, 0x12, 0x02, 0x6e, 0x6f];
    server.respond({ status: 200, body: new Uint8Array([0x0a, ps.length, ...ps]) });
    await exporter.export(body(1), now);
    expect(exporter.stats.rejectedPoints).toBe(2);
    expect(logs.some((l) => l.includes('rejected some data points'))).toBe(true);
  });

  it('flush sends what is buffered right away, ignoring the pending retry', async () => {
    const { exporter, queue } = await make();
    server.respond({ status: 503, headers: { 'retry-after': '600' } });
    await exporter.export(body(1), now);
    await exporter.export(body(2), now);
    expect(timers.pending.map((t) => t.ms)).toEqual([600_000]);
    await exporter.flush(now + 5000);
    expect(queue.length).toBe(0);
    expect(received()).toEqual([1, 1, 2]);
    expect(timers.pending).toHaveLength(0);
  });

  it('loses nothing from a 10-minute outage at a 1 s interval', async () => {
    const { exporter, queue } = await make({ maxBytes: 256 * 1024 * 1024, maxAgeMs: 86_400_000 });
    server.fallback = { status: 503 };
    for (let i = 1; i <= 600; i++) {
      await exporter.export(body(i), now);
      now += 1000;
    }
    expect(queue.length).toBe(600);
    server.fallback = { status: 200 };
    timers.fire();
    await waitFor(() => queue.length === 0, 30_000, 'the whole backlog to drain');
    const values = received().slice(1);
    expect(values).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(exporter.stats).toMatchObject({ buffered: 600, replayed: 600, dropped: 0 });
  });
});
