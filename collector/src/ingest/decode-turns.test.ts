import { describe, expect, test } from 'vitest';
import { DecodeTurns } from './decode-turns.js';

/** Keeps the thread busy for `ms`, as a decode does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}

describe('DecodeTurns: synchronous ingest work in bounded slices of the event loop', () => {
  test('turns run oldest first and settle with what the work returned or threw', async () => {
    const turns = new DecodeTurns();
    const order: number[] = [];
    const a = turns.run(() => {
      order.push(1);
      return 'one';
    });
    const b = turns.run(() => {
      order.push(2);
      throw new Error('two');
    });
    const c = turns.run(() => {
      order.push(3);
      return { committed: Promise.resolve(3) };
    });
    await expect(a).resolves.toBe('one');
    await expect(b).rejects.toThrow('two');
    // A promise wrapped in an object is handed back, not waited for.
    expect((await c).committed).toBeInstanceOf(Promise);
    expect(order).toEqual([1, 2, 3]);
    expect(turns.ran).toBe(3);
    expect(turns.waiting).toBe(0);
  });

  test('a long queue yields to the event loop between slices: timers and I/O callbacks run', async () => {
    const turns = new DecodeTurns(1);
    const events: string[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 5; i++)
      all.push(
        turns.run(() => {
          if (i === 0) setTimeout(() => events.push('timer'), 0);
          busy(3);
          events.push(`turn ${i}`);
        }),
      );
    await Promise.all(all);
    // Decoded in the reading callback, as before, the timer would have waited for all five.
    const timer = events.indexOf('timer');
    expect(timer).toBeGreaterThan(0);
    expect(timer).toBeLessThan(events.length - 1);
  });

  test('lagMs is how long the turn that started last waited, and 0 once none waits', async () => {
    const turns = new DecodeTurns(1);
    expect(turns.lagMs()).toBe(0);
    const seen: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 4; i++)
      all.push(
        turns.run(() => {
          seen.push(turns.lagMs());
          busy(5);
        }),
      );
    await Promise.all(all);
    // The third turn waited for the first two (5 ms each) and the fourth still waited.
    expect(seen[2]).toBeGreaterThanOrEqual(10);
    // The last turn ran with none behind it.
    expect(seen[3]).toBe(0);
    expect(turns.maxWaitMs).toBeGreaterThanOrEqual(15);
    expect(turns.lagMs()).toBe(0);
    // Once the queue drained, the next turn queued does not inherit the old wait: right after
    // it is queued, lagMs is only how long it has waited itself.
    const next = turns.run(() => undefined);
    expect(turns.lagMs()).toBeLessThan(5);
    await next;
  });

  test('while turns wait they get three times what the rest of the iteration took, but the shortest slice after an accept', async () => {
    const order = async (arrival: boolean) => {
      const turns = new DecodeTurns(1);
      const events: string[] = [];
      const all: Promise<void>[] = [];
      for (let i = 0; i < 6; i++)
        all.push(
          turns.run(() => {
            busy(2);
            // Runs in the next iteration, before the next slice: 20 ms of other work.
            if (i === 0)
              setImmediate(() => {
                busy(20);
                if (arrival) turns.noteArrival();
              });
            if (i === 1) setImmediate(() => events.push('next iteration'));
            events.push(`turn ${i}`);
          }),
        );
      await Promise.all(all);
      // After the immediates queued so far ('next iteration' among them).
      await new Promise((r) => setImmediate(r));
      return events;
    };
    // 20 ms of other work earn the waiting turns a slice of 60 ms: the rest run at once.
    expect(await order(false)).toEqual([
      'turn 0',
      'turn 1',
      'turn 2',
      'turn 3',
      'turn 4',
      'turn 5',
      'next iteration',
    ]);
    // After an accept the slice is 1 ms: one 2 ms turn, then the next iteration.
    expect((await order(true)).slice(0, 3)).toEqual(['turn 0', 'turn 1', 'next iteration']);
  });
});
