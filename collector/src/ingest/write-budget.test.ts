import { describe, expect, test } from 'vitest';
import { SaturatedError } from '../otlp/errors.js';
import { WriteBudget } from './write-budget.js';

/** A budget of `max` bytes whose pending rows the test sets. */
function budget(max: number) {
  const rows = { pending: 0 };
  return { rows, budget: new WriteBudget(max, () => rows.pending) };
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
    expect(b.full()).toBe(true);
  });

  test('pending rows and reservations share the budget', () => {
    const { rows, budget: b } = budget(1000);
    rows.pending = 700;
    expect(b.full()).toBe(false);
    const r = b.open();
    r.ensure(300);
    expect(b.full()).toBe(true);
    expect(() => b.open().ensure(1)).toThrow(SaturatedError);
    r.release();
    rows.pending = 1000;
    expect(b.full()).toBe(true);
  });

  test('a lone request always proceeds, even over the budget: an idle collector makes progress', () => {
    const { budget: b } = budget(1000);
    const r = b.open();
    r.ensure(5000);
    expect(b.reserved()).toBe(5000);
    expect(b.headroom(r)).toBe(Number.POSITIVE_INFINITY);
    expect(() => b.open().ensure(1)).toThrow(SaturatedError);
  });

  test('headroom: what a request may still add beside the others', () => {
    const { rows, budget: b } = budget(1000);
    const own = b.open();
    own.ensure(100);
    const other = b.open();
    other.ensure(200);
    rows.pending = 300;
    expect(b.headroom(own)).toBe(1000 - 300 - 200);
    rows.pending = 900;
    expect(b.headroom(own)).toBe(0);
    other.release();
    rows.pending = 0;
    expect(b.headroom(own)).toBe(Number.POSITIVE_INFINITY);
  });

  test('idle: no rows pending and no reservation open, even one still of 0 bytes', () => {
    const { rows, budget: b } = budget(1000);
    expect(b.idle()).toBe(true);
    const r = b.open();
    expect(b.idle()).toBe(false);
    r.release();
    r.release();
    expect(b.idle()).toBe(true);
    rows.pending = 1;
    expect(b.idle()).toBe(false);
  });
});
