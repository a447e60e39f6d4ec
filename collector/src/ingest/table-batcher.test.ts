import { pino } from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { NativeBlock } from '../storage/native/block.js';
import { SinkColumn } from '../storage/native/columns.js';
import { TableBatcher } from './table-batcher.js';

class TestBlock extends NativeBlock {
  readonly v = new SinkColumn('v', 'UInt32');
  constructor() {
    super('t');
    this.columns = [this.v];
  }
}

/** A block sink whose inserts complete when the test says so. */
function controlledSink() {
  const calls: { rows: number[]; done: () => void; fail: (e: Error) => void }[] = [];
  const sink = (b: NativeBlock) =>
    new Promise<void>((done, fail) => {
      const view = b.encode().slice(1)[0]!;
      const rows = Array.from({ length: b.rows }, (_, i) => view.readUInt32LE(i * 4));
      calls.push({ rows, done, fail });
    });
  return { sink, calls };
}

function add(batcher: TableBatcher<TestBlock>, value: number) {
  const b = batcher.block();
  b.v.sink.u32(value);
  b.rows++;
  return batcher.commit();
}

const log = pino({ level: 'silent' });
const tick = () => new Promise((r) => setImmediate(r));

/** Span-like leader and feature-like follower tables, each with its controlled sink. */
function leaderAndFollower() {
  const spans = controlledSink();
  const features = controlledSink();
  const policy = { maxRows: 1000, maxBytes: 1 << 20, maxDelayMs: 0 };
  const leader = new TableBatcher(() => new TestBlock(), spans.sink, policy, log);
  const follower = new TableBatcher(() => new TestBlock(), features.sink, policy, log);
  follower.follow(leader as unknown as TableBatcher<NativeBlock>);
  return { spans, features, leader, follower };
}

describe('TableBatcher group commit', () => {
  test('an idle table inserts at once; rows arriving during that insert share the next one', async () => {
    const { sink, calls } = controlledSink();
    const batcher = new TableBatcher(
      () => new TestBlock(),
      sink,
      { maxRows: 1000, maxBytes: 1 << 20, maxDelayMs: 0 },
      log,
    );
    const settled: number[] = [];
    const first = add(batcher, 1).then(() => settled.push(1));
    expect(calls).toHaveLength(1);
    const second = add(batcher, 2).then(() => settled.push(2));
    const third = add(batcher, 3).then(() => settled.push(3));
    expect(calls).toHaveLength(1);
    calls[0]!.done();
    await first;
    await tick();
    expect(settled).toEqual([1]);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.rows).toEqual([2, 3]);
    calls[1]!.done();
    await Promise.all([second, third]);
    expect(settled).toEqual([1, 2, 3]);
    expect(batcher.rowsWritten).toBe(3);
    expect(batcher.inserts).toBe(2);
  });

  test('a failed insert rejects exactly the requests it carried', async () => {
    const { sink, calls } = controlledSink();
    const batcher = new TableBatcher(
      () => new TestBlock(),
      sink,
      { maxRows: 1000, maxBytes: 1 << 20, maxDelayMs: 0 },
      log,
    );
    const a = add(batcher, 1);
    const b = add(batcher, 2);
    calls[0]!.fail(new Error('disk full'));
    await expect(a).rejects.toThrow('disk full');
    await tick();
    calls[1]!.done();
    await expect(b).resolves.toBeUndefined();
    expect(batcher.failures).toBe(1);
  });

  test('a full block flushes without waiting for the delay; drain flushes the rest', async () => {
    const { sink, calls } = controlledSink();
    const batcher = new TableBatcher(
      () => new TestBlock(),
      sink,
      { maxRows: 2, maxBytes: 1 << 20, maxDelayMs: 60_000 },
      log,
    );
    const p1 = add(batcher, 1);
    calls[0]!.done();
    await p1;
    await tick();
    const p2 = add(batcher, 2);
    expect(calls).toHaveLength(1);
    const p3 = add(batcher, 3);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.rows).toEqual([2, 3]);
    calls[1]!.done();
    await Promise.all([p2, p3]);
    const p4 = add(batcher, 4);
    const drained = batcher.drain();
    expect(calls).toHaveLength(3);
    calls[2]!.done();
    await Promise.all([p4, drained]);
    expect(batcher.pendingBytes()).toBe(0);
  });

  test('a follower inserts with its leader, not on a cadence of its own', async () => {
    const { spans, features, leader, follower } = leaderAndFollower();
    // One request: rows for both tables, the follower's commit first (as the ingestor does).
    const request = (v: number) => {
      follower.block().v.sink.u32(v);
      follower.block().rows++;
      leader.block().v.sink.u32(v);
      leader.block().rows++;
      return Promise.all([follower.commit(), leader.commit()]);
    };
    const r1 = request(1);
    expect(spans.calls).toHaveLength(1);
    expect(features.calls).toHaveLength(1);
    // The follower's insert ends first; requests arriving meanwhile wait for the leader's.
    features.calls[0]!.done();
    await tick();
    const r2 = request(2);
    const r3 = request(3);
    await tick();
    expect(features.calls).toHaveLength(1);
    spans.calls[0]!.done();
    await r1;
    await tick();
    expect(spans.calls).toHaveLength(2);
    expect(features.calls).toHaveLength(2);
    expect(features.calls[1]!.rows).toEqual([2, 3]);
    spans.calls[1]!.done();
    features.calls[1]!.done();
    await Promise.all([r2, r3]);
    expect(follower.inserts).toBe(leader.inserts);
  });

  test("a follower's rows without rows of the leader are inserted on their own", async () => {
    const { spans, features, leader, follower } = leaderAndFollower();
    // The leader busy with another request's insert: the follower holds its rows ...
    const first = add(leader, 1);
    const held = add(follower, 10);
    expect(features.calls).toHaveLength(0);
    // ... until the leader's insert ends with nothing after it.
    spans.calls[0]!.done();
    await first;
    await tick();
    expect(features.calls).toHaveLength(1);
    expect(features.calls[0]!.rows).toEqual([10]);
    features.calls[0]!.done();
    await held;
    // Idle leader: a follower's rows go at once (nudge after a rollback of the leader's rows).
    const alone = add(follower, 11);
    follower.nudge();
    expect(features.calls).toHaveLength(2);
    features.calls[1]!.done();
    await alone;
  });
});

describe('TableBatcher with ackOnSpool', () => {
  /** A sink that reports its block spooled, and inserts when the test says so. */
  function spoolingSink() {
    const calls: { spooled: () => void; done: () => void; fail: (e: Error) => void }[] = [];
    const sink = (_b: NativeBlock, _tags: readonly string[], spooled?: () => void) =>
      new Promise<void>((done, fail) => calls.push({ spooled: spooled ?? (() => {}), done, fail }));
    return { sink, calls };
  }
  const policy = { maxRows: 1000, maxBytes: 1 << 20, maxDelayMs: 0 };
  /** A batcher that answers at the spool, on a sink the test drives. */
  function spoolingBatcher() {
    const { sink, calls } = spoolingSink();
    const batcher = new TableBatcher(
      () => new TestBlock(),
      sink,
      { ...policy, ackOnSpool: true },
      log,
    );
    return { batcher, calls };
  }

  test('answers once the block is spooled, before the insert; an insert failure then answers nothing again', async () => {
    const { batcher, calls } = spoolingBatcher();
    let answered = false;
    const commit = add(batcher, 1).then(() => {
      answered = true;
    });
    await tick();
    expect(answered).toBe(false);
    calls[0]!.spooled();
    await commit;
    expect(answered).toBe(true);
    // The insert fails after the answer: the sink's spool retries it; nothing is rejected.
    calls[0]!.fail(new Error('store down'));
    await tick();
    expect(batcher.failures).toBe(1);
    // The next rows go into the next insert as usual.
    const next = add(batcher, 2);
    expect(calls).toHaveLength(2);
    calls[1]!.spooled();
    await next;
  });

  test('without it, a spooled block is answered only after its insert', async () => {
    const { sink, calls } = spoolingSink();
    const batcher = new TableBatcher(() => new TestBlock(), sink, policy, log);
    let answered = false;
    const commit = add(batcher, 1).then(() => {
      answered = true;
    });
    calls[0]!.spooled();
    await tick();
    expect(answered).toBe(false);
    calls[0]!.done();
    await commit;
    expect(answered).toBe(true);
  });

  test('inserted() waits past the answer for the inserts of every row appended so far', async () => {
    const { batcher, calls } = spoolingBatcher();
    let idle = false;
    await batcher.inserted().then(() => {
      idle = true;
    });
    expect(idle).toBe(true);
    // Row 1 in the running insert, row 2 in the filling block behind it.
    void add(batcher, 1);
    calls[0]!.spooled();
    void add(batcher, 2);
    const reads: string[] = [];
    const afterBoth = batcher.inserted().then(() => reads.push('both'));
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.done();
    await tick();
    // The second row's insert starts now and is answered at its spool; the read still waits.
    expect(calls).toHaveLength(2);
    const afterSecond = batcher.inserted().then(() => reads.push('second'));
    calls[1]!.spooled();
    await tick();
    expect(reads).toEqual([]);
    // A failed insert releases its readers too (its rows are the spool's to retry).
    calls[1]!.fail(new Error('store down'));
    await Promise.all([afterBoth, afterSecond]);
    expect(reads).toEqual(['both', 'second']);
  });

  describe('spoolDelayMs', () => {
    afterEach(() => vi.useRealTimers());
    const delays = { maxRows: 1000, maxBytes: 1 << 20, maxDelayMs: 100, spoolDelayMs: 500 };

    test('inserts come at most every spoolDelayMs while nothing waits for them; a read makes the next due after maxDelayMs', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const { sink, calls } = spoolingSink();
      const batcher = new TableBatcher(
        () => new TestBlock(),
        sink,
        { ...delays, ackOnSpool: true },
        log,
      );
      // An idle table inserts at once.
      void add(batcher, 1);
      expect(calls).toHaveLength(1);
      calls[0]!.spooled();
      calls[0]!.done();
      await tick();
      void add(batcher, 2);
      vi.advanceTimersByTime(499);
      expect(calls).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(calls).toHaveLength(2);
      calls[1]!.spooled();
      calls[1]!.done();
      await tick();
      // A read waits for the next row: its insert is due 100 ms after the last one.
      void add(batcher, 3);
      vi.advanceTimersByTime(50);
      const read = batcher.inserted();
      expect(calls).toHaveLength(2);
      vi.advanceTimersByTime(50);
      expect(calls).toHaveLength(3);
      calls[2]!.spooled();
      calls[2]!.done();
      await read;
    });

    test('without ackOnSpool every insert is due after maxDelayMs', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const { sink, calls } = spoolingSink();
      const batcher = new TableBatcher(() => new TestBlock(), sink, delays, log);
      void add(batcher, 1);
      calls[0]!.done();
      return tick().then(() => {
        void add(batcher, 2);
        vi.advanceTimersByTime(100);
        expect(calls).toHaveLength(2);
      });
    });
  });

  test('releaseOnSpool: a spooled block stops counting as pending while its insert runs', async () => {
    const { sink, calls } = spoolingSink();
    const counted = new TableBatcher(
      () => new TestBlock(),
      sink,
      { ...policy, ackOnSpool: true },
      log,
    );
    const released = new TableBatcher(
      () => new TestBlock(),
      sink,
      { ...policy, ackOnSpool: true, releaseOnSpool: true },
      log,
    );
    for (const b of [counted, released]) void add(b, 1);
    const size = counted.pendingBytes();
    expect(size).toBeGreaterThan(0);
    expect(released.pendingBytes()).toBe(size);
    for (const c of calls) c.spooled();
    expect(counted.pendingBytes()).toBe(size);
    expect(released.pendingBytes()).toBe(0);
    // Rows appended meanwhile count, as ever.
    void add(released, 2);
    expect(released.pendingBytes()).toBeGreaterThan(0);
    for (const c of calls) c.done();
    await tick();
  });
});
