import { describe, expect, test } from 'vitest';
import { offsetOf, phaseMs, Schedule, slotAt } from './schedule.js';

describe('schedule', () => {
  test('offsets spread rules over the phases of the interval', () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => offsetOf(`rule-${i}`, 30_000));
    const phases = new Map<number, number>();
    for (const o of offsets) phases.set(o, (phases.get(o) ?? 0) + 1);
    // 30 s in six 5 s phases, about 167 rules each; a hash that clusters would leave some nearly empty.
    expect([...phases.keys()].sort((a, b) => a - b)).toEqual([
      0, 5000, 10_000, 15_000, 20_000, 25_000,
    ]);
    for (const n of phases.values()) expect(n).toBeGreaterThan(120);
    expect(offsetOf('a', 30_000)).toBe(offsetOf('a', 30_000));
    expect([1000, 6000, 30_000, 120_000, 3_600_000].map(phaseMs)).toEqual([
      1000, 1000, 5000, 10_000, 10_000,
    ]);
    expect(offsetOf('a', 1000)).toBe(0);
    expect(offsetOf('b', 120_000) % 10_000).toBe(0);
  });

  test('slotAt', () => {
    expect(slotAt(10_000, 1000, 250)).toBe(9_250);
    expect(slotAt(10_250, 1000, 250)).toBe(10_250);
    expect(slotAt(10_249, 1000, 250)).toBe(9_250);
  });

  test('rules with one phase key share their slots whatever their ids', () => {
    const s = new Schedule();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    // With their ids as keys, six rules at 30 s fall in several of the six phases.
    expect(new Set(ids.map((id) => offsetOf(id, 30_000))).size).toBeGreaterThan(1);
    const t0 = 1_000_000;
    for (const id of ids) s.dueSlot(id, 30_000, t0, 'signal');
    const due = ids.map((id) => s.dueSlot(id, 30_000, t0 + 30_000, 'signal'));
    expect(new Set(due).size).toBe(1);
    expect(due[0]).toBe(slotAt(t0 + 30_000, 30_000, offsetOf('signal', 30_000)));
  });

  test('a rule is due once per slot, first at its next slot', () => {
    const s = new Schedule();
    const id = 'r';
    const off = offsetOf(id, 1000);
    const t0 = 100_000 + off;
    expect(s.dueSlot(id, 1000, t0 + 10)).toBeUndefined();
    expect(s.dueSlot(id, 1000, t0 + 999)).toBeUndefined();
    expect(s.dueSlot(id, 1000, t0 + 1000)).toBe(t0 + 1000);
    expect(s.dueSlot(id, 1000, t0 + 1500)).toBe(t0 + 1000);
    s.done(id, t0 + 1000);
    expect(s.dueSlot(id, 1000, t0 + 1999)).toBeUndefined();
    // Missed slots are not caught up one by one: the latest is due.
    expect(s.dueSlot(id, 1000, t0 + 5200)).toBe(t0 + 5000);
    s.retain(new Set());
    expect(s.dueSlot(id, 1000, t0 + 6000)).toBeUndefined();
  });
});
