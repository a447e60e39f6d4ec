import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoundedBatcher } from './bounded-batcher.js';
import { SignalCounters } from './signal-counters.js';

const cfg = {
  maxQueueSize: 4,
  maxExportBatchSize: 2,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 500,
};

/** An exporter whose calls stay pending until the test settles them. */
function controlledSender() {
  const calls: { batch: number[]; settle: (ok: boolean) => void }[] = [];
  const send = (batch: number[]) => new Promise<boolean>((settle) => calls.push({ batch, settle }));
  return { calls, send };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BoundedBatcher', () => {
  it('sends full batches one at a time and drops (and counts) what exceeds the queue', async () => {
    const { calls, send } = controlledSender();
    const counters = new SignalCounters();
    const b = new BoundedBatcher(send, cfg, counters);
    for (let i = 1; i <= 4; i++) b.add(i);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    for (let i = 5; i <= 8; i++) b.add(i);
    // [1,2] in flight; [3..6] queued; 7 and 8 dropped
    expect(calls.map((c) => c.batch)).toEqual([[1, 2]]);
    expect(counters.snapshot()).toEqual({
      exported: 0,
      droppedQueueFull: 2,
      droppedExportFailed: 0,
      queued: 4,
    });
    const flushed = b.flush();
    calls[0]?.settle(true);
    for (let i = 1; i < 3; i++) {
      await vi.waitFor(() => expect(calls).toHaveLength(i + 1));
      calls[i]?.settle(i !== 2); // the last batch fails
    }
    await flushed;
    expect(calls.map((c) => c.batch)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(counters.snapshot()).toEqual({
      exported: 4,
      droppedQueueFull: 2,
      droppedExportFailed: 2,
      queued: 0,
    });
  });

  it('sends a partial batch after the scheduled delay', async () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const counters = new SignalCounters();
    const b = new BoundedBatcher(
      async (batch: number[]) => {
        sent.push(batch);
        return true;
      },
      cfg,
      counters,
    );
    b.add(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([[1]]);
    expect(counters.exported).toBe(1);
  });

  it('counts a batch whose export never answers as failed after the timeout', async () => {
    vi.useFakeTimers();
    const counters = new SignalCounters();
    const b = new BoundedBatcher(() => new Promise<boolean>(() => {}), cfg, counters);
    b.add(1);
    const flushed = b.flush();
    await vi.advanceTimersByTimeAsync(500);
    await flushed;
    expect(counters.droppedExportFailed).toBe(1);
  });

  it('treats a throwing or rejecting sender as a failed export', async () => {
    const counters = new SignalCounters();
    const b = new BoundedBatcher<number>(
      (batch) => {
        if (batch[0] === 1) throw new Error('sync');
        return Promise.reject(new Error('async'));
      },
      cfg,
      counters,
    );
    b.add(1);
    await b.flush();
    b.add(2);
    await b.flush();
    expect(counters.droppedExportFailed).toBe(2);
  });

  it('accepts nothing after shutdown', async () => {
    const counters = new SignalCounters();
    const b = new BoundedBatcher(async () => true, cfg, counters);
    b.add(1);
    await b.shutdown();
    b.add(2);
    await b.flush();
    expect(counters.exported).toBe(1);
    expect(counters.queued()).toBe(0);
  });
});
