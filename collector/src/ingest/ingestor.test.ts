import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import type { Principal } from '../auth/authenticator.js';
import { loadConfig } from '../config.js';
import {
  BehindError,
  DecodedTooLargeError,
  MemoryBoundError,
  SaturatedError,
} from '../otlp/errors.js';
import { DecodeOutcome } from '../otlp/outcome.js';
import { encodeOtlpProtobuf } from '../otlp/testing/otlp-protobuf.js';
import { nativeRows, readNativeBlock } from '../storage/native/read-block.js';
import { Ingestor, MAX_DECODE_LAG_MS, maxDecodedBytes } from './ingestor.js';
import { MemoryGuard, memoryBound } from './memory-bound.js';

const log = pino({ level: 'silent' });
const principal: Principal = { kind: 'ingest', projectId: 'p' };

/**
 * The engine's insert, recording the span names of each block it receives; while `hold`
 * is set, inserts wait for `release()` (so later rows stay in the filling batch).
 */
function recordingEngine() {
  const inserts: string[][] = [];
  const held: (() => void)[] = [];
  const engine = {
    inserts,
    hold: false,
    release: () => {
      engine.hold = false;
      for (const f of held.splice(0)) f();
    },
    insertNative: async (_t: string, _c: readonly string[], block: readonly Buffer[]) => {
      const rows = nativeRows(readNativeBlock(Buffer.concat(block)));
      inserts.push(rows.map((r) => String(r.SpanName)));
      if (engine.hold) await new Promise<void>((r) => held.push(r));
    },
  };
  return engine;
}

function spans(names: string[], resourceBytes = 0): Uint8Array {
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return encodeOtlpProtobuf('ExportTraceServiceRequest', {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 's'), str('big', 'x'.repeat(resourceBytes))] },
        scopeSpans: [
          {
            spans: names.map((name, i) => ({
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: `eee19b7ec3c1b1${String(10 + i).slice(-2)}`,
              name,
              startTimeUnixNano: '1750000000000000000',
              endTimeUnixNano: '1750000000500000000',
            })),
          },
        ],
      },
    ],
  });
}

const flags = { maxDecodedBytes: 3_000_000, maxPendingBytes: 10_000_000, batchMaxDelayMs: 0 };

describe('Ingestor: a refused request leaves nothing behind', () => {
  test('413 mid-request: rows of other requests in the same batch are committed, none of it', async () => {
    const engine = recordingEngine();
    const ingestor = new Ingestor(engine, loadConfig(flags, {}), log);
    // One insert in flight, so the next request's rows wait in the filling batch while the
    // big one is decoded into the same block.
    engine.hold = true;
    const first = ingestor.ingest(
      'traces',
      'protobuf',
      spans(['x']),
      principal,
      new DecodeOutcome(),
    );
    const kept = ingestor.ingest(
      'traces',
      'protobuf',
      spans(['a', 'b']),
      principal,
      new DecodeOutcome(),
    );
    const before = ingestor.traces.block().size();
    expect(ingestor.traces.block().rows).toBe(2);
    const big = spans(
      Array.from({ length: 1000 }, () => 'big'),
      5000,
    );
    expect(() =>
      ingestor.ingest('traces', 'protobuf', big, principal, new DecodeOutcome()),
    ).toThrow(DecodedTooLargeError);
    expect(ingestor.traces.block().size()).toBe(before);
    // The columns that grew past 3 MB for the refused rows gave that memory back.
    expect(ingestor.traces.block().capacity()).toBeLessThan(2 * 1024 * 1024);
    engine.release();
    await Promise.all([first, kept]);
    await ingestor.close();
    expect(engine.inserts).toEqual([['x'], ['a', 'b']]);
    expect(ingestor.stats()).toMatchObject({ tooLarge: 1, reservedBytes: 0 });
  });

  test('503 when the rows pass what the memory budget has left beside another body', async () => {
    const engine = recordingEngine();
    const ingestor = new Ingestor(
      engine,
      loadConfig({ ...flags, maxDecodedBytes: 10_000_000 }, {}),
      log,
    );
    const other = ingestor.reserve();
    // A large body being read by another request (bodies may hold half the budget).
    other.ensure(4_900_000);
    const own = ingestor.reserve();
    // Its rows repeat the 5 kB resource: about 5.5 MB, more than the 5.1 MB left.
    const body = spans(
      Array.from({ length: 1100 }, () => 'big'),
      5000,
    );
    own.ensure(body.length);
    expect(() =>
      ingestor.ingest('traces', 'protobuf', body, principal, new DecodeOutcome(), own),
    ).toThrow(SaturatedError);
    expect(ingestor.traces.block().rows).toBe(0);
    // Once the other body is gone, the same request fits.
    other.release();
    const outcome = new DecodeOutcome();
    const done = ingestor.ingest('traces', 'protobuf', body, principal, outcome, own);
    own.release();
    await done;
    expect(outcome.accepted).toBe(1100);
    await ingestor.close();
    expect(engine.inserts.flat()).toHaveLength(1100);
  });

  test('rows waiting in the batches and bodies in flight share --max-pending-bytes', () => {
    const ingestor = new Ingestor(
      recordingEngine(),
      loadConfig({ ...flags, batchMaxDelayMs: 60_000 }, {}),
      log,
    );
    expect(ingestor.admit()).toBeUndefined();
    const r = ingestor.reserve();
    r.ensure(4_999_999);
    expect(ingestor.admit()).toBeUndefined();
    // Bodies may hold half of the budget: the rest is for the rows they decode into.
    r.ensure(5_000_000);
    expect(ingestor.admit()).toBeInstanceOf(SaturatedError);
    r.release();
    expect(ingestor.admit()).toBeUndefined();
  });

  test('new requests get 503 while bodies already read wait more than 500 ms for their decode', async () => {
    const ingestor = new Ingestor(recordingEngine(), loadConfig(flags, {}), log);
    expect(MAX_DECODE_LAG_MS).toBe(500);
    const seen: unknown[] = [];
    const first = ingestor.turns.run(() => {
      // A decode that holds the thread for longer than the limit.
      const end = performance.now() + MAX_DECODE_LAG_MS + 10;
      while (performance.now() < end) {}
    });
    const second = ingestor.turns.run(() => seen.push(ingestor.admit()));
    const third = ingestor.turns.run(() => seen.push(ingestor.admit()));
    await Promise.all([first, second, third]);
    // The second turn waited past the limit with the third behind it: refused. The third ran
    // with nothing waiting: the queue has caught up and requests are admitted again.
    expect(seen[0]).toBeInstanceOf(BehindError);
    expect((seen[0] as BehindError).status).toBe(503);
    expect((seen[0] as BehindError).options.retryAfterSeconds).toBe(1);
    expect((seen[0] as BehindError).message).toMatch(/wait \d+ ms for their decode/);
    expect(seen[1]).toBeUndefined();
    expect(ingestor.refused).toBe(1);
    await ingestor.close();
  });

  test('at the memory bound new requests get 503, but one gets in while the write path holds nothing', () => {
    const MiB = 1024 * 1024;
    const bound = memoryBound(2048 * MiB, 10_000_000, undefined)!;
    let rss = bound.admitBelow;
    // RSS is read again only once the clock has moved 20 ms (the test moves it).
    let t = 0;
    const guard = new MemoryGuard(
      bound,
      () => rss,
      () => t,
    );
    const config = loadConfig({ ...flags, batchMaxDelayMs: 60_000 }, {});
    const ingestor = new Ingestor(recordingEngine(), config, log, undefined, guard);
    // Nothing held: whatever holds the memory is not the write path; refusing would never
    // recover.
    expect(ingestor.admit()).toBeUndefined();
    const r = ingestor.reserve();
    r.ensure(1000);
    const refusal = ingestor.admit();
    expect(refusal).toBeInstanceOf(MemoryBoundError);
    expect(refusal?.status).toBe(503);
    expect(refusal?.options.retryAfterSeconds).toBe(1);
    expect(refusal?.message).toContain(
      `RSS ${Math.round(bound.admitBelow / MiB)} MiB of 2048 MiB, --max-rss-bytes`,
    );
    expect([ingestor.refused, guard.refused]).toEqual([1, 1]);
    // A body being read stops growing at the bound as well.
    expect(() => ingestor.reserve().ensure(1)).toThrow(MemoryBoundError);
    // Below the bound, the write path's room is what the memory held outside it leaves: RSS
    // less the 1,000 bytes held, up to the bound.
    rss = bound.admitBelow - 5000;
    t += 20;
    expect(ingestor.admit()).toBeUndefined();
    const s = ingestor.reserve();
    s.ensure(5000);
    expect(() => s.ensure(5001)).toThrow(MemoryBoundError);
    // The guard counts every refusal at the bound; `refused` counts the ones at admission
    // here (receiveExport counts those while a body is read).
    expect([ingestor.refused, guard.refused]).toEqual([1, 3]);
    r.release();
    s.release();
  });

  test('the decoded limit defaults to 2 x --max-body-bytes', () => {
    expect(maxDecodedBytes(loadConfig({}, {}))).toBe(64 * 1024 * 1024);
    expect(maxDecodedBytes(loadConfig({ maxBodyBytes: 1_000_000 }, {}))).toBe(2_000_000);
    expect(maxDecodedBytes(loadConfig({ maxPendingBytes: 1024 }, {}))).toBe(64 * 1024 * 1024);
    expect(maxDecodedBytes(loadConfig({ maxDecodedBytes: 5000 }, {}))).toBe(5000);
    expect(maxDecodedBytes(loadConfig({}, { AIOBS_MAX_DECODED_BYTES: '7000' }))).toBe(7000);
  });
});
