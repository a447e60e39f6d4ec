import { describe, expect, test } from 'vitest';
import { replayRule } from './preview.js';

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
const series = (values: (number | null)[]) => values.map((value, i) => ({ time: at(i), value }));
const policy = {
  forMs: 120_000,
  keepFiringForMs: 0,
  noDataState: 'no_data' as const,
  errorState: 'error' as const,
};

describe('replayRule', () => {
  test('fires after for, resolves, fires again; warning then critical', () => {
    const r = replayRule(
      series([1, 5, 5, 5, 1, 1, 9, 9, 9, 5, 9]),
      { op: '>', threshold: 8, warning: 4 },
      policy,
    );
    expect(r.points.map((p) => p.level)).toEqual([
      null,
      'warning',
      'warning',
      'warning',
      null,
      null,
      'critical',
      'critical',
      'critical',
      'warning',
      'critical',
    ]);
    expect(r.points.map((p) => p.state)).toEqual([
      'inactive',
      'pending',
      'pending',
      'firing',
      'resolved',
      'resolved',
      'pending',
      'pending',
      'firing',
      'firing',
      'firing',
    ]);
    expect(r.firing).toEqual([
      { from: at(3), to: at(4), severity: 'warning' },
      { from: at(8), to: null, severity: 'critical' },
    ]);
  });

  test('keepFiringFor joins a flap into one interval; no data ends it', () => {
    const r = replayRule(
      series([9, 1, 9, 1, 1, 1, null]),
      { op: '>', threshold: 8 },
      { ...policy, forMs: 0, keepFiringForMs: 150_000 },
    );
    expect(r.firing).toEqual([{ from: at(0), to: at(5), severity: 'critical' }]);
    expect(r.points.at(-1)!.state).toBe('no_data');
  });

  test('a signal that decides its own breach needs no condition', () => {
    const r = replayRule(
      [
        { time: at(0), value: 1, breach: 'ok' as const },
        { time: at(1), value: 40, breach: 'firing' as const, band: { lower: 0, upper: 10 } },
      ],
      undefined,
      { ...policy, forMs: 0 },
    );
    expect(r.firing).toEqual([{ from: at(1), to: null, severity: 'critical' }]);
    expect(r.points[1]!.band).toEqual({ lower: 0, upper: 10 });
  });
});
