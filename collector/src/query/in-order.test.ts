import { describe, expect, it } from 'vitest';
import { allInOrder, mapInOrder } from './in-order.js';

/** A promise settled by hand, so the test decides the order reads finish in. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('allInOrder', () => {
  it('returns the values in argument order', async () => {
    const a = deferred<number>();
    const b = deferred<string>();
    const all = allInOrder([a.promise, b.promise]);
    b.resolve('b');
    a.resolve(1);
    expect(await all).toEqual([1, 'b']);
  });

  it('throws the first failure in argument order, not in time', async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    const all = allInOrder([a.promise, b.promise]);
    b.reject(new Error('second'));
    a.reject(new Error('first'));
    await expect(all).rejects.toThrow('first');
  });

  it('waits for every read before answering', async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    let settled = false;
    const all = allInOrder([a.promise, b.promise]).finally(() => {
      settled = true;
    });
    a.reject(new Error('first'));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    b.resolve(2);
    await expect(all).rejects.toThrow('first');
  });
});

describe('mapInOrder', () => {
  it('keeps the order and runs at most limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapInOrder([5, 1, 4, 2, 3, 0], 3, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50]);
    expect(most).toBe(3);
  });

  it('throws the lowest-numbered failure and starts nothing after a failure', async () => {
    const started: number[] = [];
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const run = mapInOrder([0, 1, 2, 3, 4], 3, async (i) => {
      started.push(i);
      if (i < 3) await gates[i]!.promise;
      throw new Error(`item ${i}`);
    });
    gates[2]!.resolve();
    await Promise.resolve();
    gates[1]!.resolve();
    gates[0]!.resolve();
    await expect(run).rejects.toThrow('item 0');
    expect(started).toEqual([0, 1, 2]);
  });

  it('answers an empty list', async () => {
    expect(await mapInOrder([], 4, async () => 1)).toEqual([]);
  });
});
