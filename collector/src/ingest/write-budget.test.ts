import { describe, expect, test } from 'vitest';
import { MemoryBoundError, SaturatedError } from '../otlp/errors.js';
import { WriteBudget } from './write-budget.js';

/** A budget of `max` bytes whose pending rows the test sets. */
function budget(max: number, bodyShare = 1) {
  const rows = { pending: 0 };
  return { rows, budget: new WriteBudget(max, () => rows.pending, undefined, bodyShare) };
}

describe('WriteBudget: bodies in flight count against the write path memory', () => {
  test('a reservation grows to what the body holds and is given back once', () => {
    const { budget: b } = budget(1000);
    const r = b.open();
    r.ensure(300);
    r.ensure(200); // already holds more: nothing changes
    expect(b.reserved()).toBe(300);
    r.ensure(450);
    expect(b.reserved()).toBe(450);
    r.release();
    r.release();
    expect(b.reserved()).toBe(0);
  });

  test('concurrent bodies that do not fit beside each other are refused with 503', () => {
    const { budget: b } = budget(1000);
    const first = b.open();
    const second = b.open();
    first.ensure(600);
    second.ensure(300);
    let err: unknown;
    try {
      second.ensure(500);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SaturatedError);
    expect((err as SaturatedError).status).toBe(503);
    expect((err as SaturatedError).options.retryAfterSeconds).toBeGreaterThan(0);
    expect((err as SaturatedError).message).toMatch(/--max-pending-bytes/);
    // The refused growth took nothing; what the second body held stays until released.
    expect(b.reserved()).toBe(900);
    second.release();
    second.ensure(400);
    expect(b.reserved()).toBe(1000);
    expect(b.refusal()).toBeInstanceOf(SaturatedError);
  });

  test('bodies hold at most their share of the budget, so the rows they decode into fit', () => {
    const { rows, budget: b } = budget(1000, 0.5);
    const first = b.open();
    first.ensure(400);
    const second = b.open();
    expect(() => second.ensure(101)).toThrow(SaturatedError);
    second.ensure(100);
    expect(b.refusal()).toBeInstanceOf(SaturatedError);
    second.release();
    expect(b.refusal()).toBeUndefined();
    // Rows take the rest: 400 of bodies and 500 of rows leave room for one more small body.
    rows.pending = 500;
    expect(b.refusal()).toBeUndefined();
    b.open().ensure(100);
    expect(b.refusal()).toBeInstanceOf(SaturatedError);
    // The collector's default share is half.
    const d = new WriteBudget(1000, () => 0);
    d.open().ensure(500);
    expect(d.refusal()).toBeInstanceOf(SaturatedError);
  });

  test('pending rows and reservations share the budget', () => {
    const { rows, budget: b } = budget(1000);
    rows.pending = 700;
    expect(b.refusal()).toBeUndefined();
    const r = b.open();
    r.ensure(300);
    expect(b.refusal()).toBeInstanceOf(SaturatedError);
    expect(() => b.open().ensure(1)).toThrow(SaturatedError);
    r.release();
    rows.pending = 1000;
    expect(b.refusal()).toBeInstanceOf(SaturatedError);
  });

  test('a lone request always proceeds, even over the budget: an idle collector makes progress', () => {
    const { budget: b } = budget(1000);
    const r = b.open();
    r.ensure(5000);
    expect(b.reserved()).toBe(5000);
    expect(b.headroom(r).bytes).toBe(Number.POSITIVE_INFINITY);
    expect(() => b.open().ensure(1)).toThrow(SaturatedError);
  });

  test('headroom: what a request may still add beside the others', () => {
    const { rows, budget: b } = budget(1000);
    const own = b.open();
    own.ensure(100);
    const other = b.open();
    other.ensure(200);
    rows.pending = 300;
    expect(b.headroom(own).bytes).toBe(1000 - 300 - 200);
    expect(b.headroom(own).refuse()).toBeInstanceOf(SaturatedError);
    rows.pending = 900;
    expect(b.headroom(own).bytes).toBe(0);
    other.release();
    rows.pending = 0;
    expect(b.headroom(own).bytes).toBe(Number.POSITIVE_INFINITY);
  });

  test('a limit lowers the effective maximum, and its own refusal says why', () => {
    const rows = { pending: 0 };
    // Room under a memory bound: 1,500 bytes less what is held outside the write path.
    const limit = { outside: 0, refused: 0 };
    const b = new WriteBudget(1000, () => rows.pending, {
      room: () => 1500 - limit.outside,
      refuse: () => {
        limit.refused++;
        return new MemoryBoundError(1500, 2000);
      },
    });
    rows.pending = 900;
    expect(b.refusal()).toBeUndefined(); // the budget's own 1,000 binds: room is 1,500
    limit.outside = 700; // room 800
    expect(b.refusal()).toBeInstanceOf(MemoryBoundError);
    rows.pending = 1000; // both full: the budget's own refusal
    expect(b.refusal()).toBeInstanceOf(SaturatedError);
    rows.pending = 500;
    const r = b.open();
    r.ensure(300); // 800: at the room, not past it
    expect(() => r.ensure(301)).toThrow(MemoryBoundError);
    expect(b.headroom(r).bytes).toBe(800 - 500);
    expect(b.headroom(r).refuse()).toBeInstanceOf(MemoryBoundError);
    expect(limit.refused).toBe(3);
    r.release();
  });

  test('with no room left under the limit, a lone request still proceeds, and only one', () => {
    const rows = { pending: 0 };
    const b = new WriteBudget(1000, () => rows.pending, {
      room: () => -5000,
      refuse: () => new MemoryBoundError(1, 1),
    });
    // Nothing held: memory held elsewhere must not stop ingest for good.
    expect(b.refusal()).toBeUndefined();
    const first = b.open();
    const second = b.open();
    first.ensure(200);
    expect(b.headroom(first).bytes).toBe(Number.POSITIVE_INFINITY);
    expect(b.refusal()).toBeInstanceOf(MemoryBoundError);
    expect(() => second.ensure(1)).toThrow(MemoryBoundError);
    first.release();
    second.ensure(1);
    expect(b.reserved()).toBe(1);
  });
});
