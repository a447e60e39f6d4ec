import type { Change, ModelSeriesResponse } from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import {
  changeAnnotations,
  changeLabel,
  hasValues,
  perSecond,
  rowsByGroup,
  rowsByMetric,
  seriesLabel,
} from './series.js';

const T0 = '2026-12-02T00:00:00.000Z';
const T1 = '2026-12-02T00:01:00.000Z';

const grouped: ModelSeriesResponse = {
  from: T0,
  to: '2026-12-02T00:02:00.000Z',
  level: '1m',
  stepMs: 60_000,
  metrics: ['requests', 'latencyP95'],
  series: [
    {
      group: { version: 'v1' },
      points: [
        { time: T0, requests: 60, latencyP95: 200 },
        { time: T1, requests: 30, latencyP95: null },
      ],
    },
    {
      group: { version: 'v2' },
      points: [
        { time: T0, requests: 6, latencyP95: 150 },
        { time: T1, requests: 0, latencyP95: null },
      ],
    },
  ],
};

describe('series shaping', () => {
  it('names lines by group, or by the fallback', () => {
    expect(seriesLabel(grouped.series[0]!)).toBe('v1');
    expect(seriesLabel({ group: {}, points: [] }, 'requests')).toBe('requests');
  });
  it('makes one row per bucket with one column per group, scaled, nulls kept', () => {
    const { rows, lines } = rowsByGroup(grouped, 'requests', perSecond(grouped.stepMs));
    expect(lines).toEqual(['v1', 'v2']);
    expect(rows).toEqual([
      { t: Date.parse(T0), v1: 1, v2: 0.1 },
      { t: Date.parse(T1), v1: 0.5, v2: 0 },
    ]);
    expect(rowsByGroup(grouped, 'latencyP95').rows[1]).toEqual({
      t: Date.parse(T1),
      v1: null,
      v2: null,
    });
  });
  it('makes one column per metric for the ungrouped line', () => {
    const { rows, lines } = rowsByMetric(grouped, { latencyP95: 'p95', requests: 'req' });
    expect(lines).toEqual(['p95', 'req']);
    expect(rows[0]).toEqual({ t: Date.parse(T0), p95: 200, req: 60 });
  });
  it('turns changes in range into annotations', () => {
    const changes: Change[] = [
      { kind: 'version', model: 'm', version: 'v2', firstSeen: T1, lastSeen: T1, requests: 3 },
      {
        kind: 'model',
        model: 'old',
        firstSeen: '2026-12-01T00:00:00.000Z',
        lastSeen: T1,
        requests: 9,
      },
    ];
    expect(changeAnnotations(changes, Date.parse(T0), Date.parse(T1) + 1)).toEqual([
      { t: Date.parse(T1), marker: '1', label: 'version v2 of m' },
    ]);
    expect(changeLabel(changes[1]!)).toBe('new model old');
    const same: Change[] = [
      { kind: 'model', model: 'm', firstSeen: T0, lastSeen: T1, requests: 3 },
      {
        kind: 'version',
        model: 'm',
        version: 'v1',
        firstSeen: '2026-12-02T00:00:20.000Z',
        lastSeen: T1,
        requests: 3,
      },
    ];
    expect(changeAnnotations(same, Date.parse(T0), Date.parse(T1))).toEqual([
      { t: Date.parse(T0), marker: '1', label: 'new model m +1' },
    ]);
  });
});

describe('hasValues', () => {
  const rows = [
    { t: 1, errors: 0, cost: 0 },
    { t: 2, errors: 0, cost: null },
  ];
  it('an error rate of 0 is a value to draw; all-zero cost is nothing reported', () => {
    // The Overview's error-rate card said 0.0% while its chart said "No data".
    expect(hasValues(rows, ['errors'], true)).toBe(true);
    expect(hasValues(rows, ['cost'])).toBe(false);
    expect(hasValues([{ t: 1, errors: null }], ['errors'], true)).toBe(false);
    expect(hasValues([{ t: 1, cost: 0.5 }], ['cost'])).toBe(true);
  });
});
