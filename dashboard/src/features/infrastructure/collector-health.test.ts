import type {
  CollectorHealth,
  CollectorHealthPoint,
  CollectorHealthResponse,
} from '@aiobs/api-types';
import { describe, expect, test } from 'vitest';
import {
  collectorSummaries,
  hasHealth,
  healthLines,
  runLabels,
  utcTime,
} from './collector-health.js';

const T = Date.parse('2026-12-04T05:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function point(m: number, over: Partial<CollectorHealthPoint> = {}): CollectorHealthPoint {
  return {
    time: iso(T + m * MIN),
    rateWindowMs: MIN,
    acceptedPerS: 100,
    rejectedPerS: 0,
    refusedPerS: 0,
    memoryRefusedPerS: 0,
    decodeErrorsPerS: 0,
    tooLargePerS: 0,
    rowsWrittenPerS: 100,
    insertsPerS: 2,
    insertFailuresPerS: 0,
    insertMeanMs: 12,
    pendingBytes: 1024,
    maxPendingBytes: 64 * 1024 ** 2,
    rssBytes: 500 * 1024 ** 2,
    memoryBoundBytes: 0,
    activeParts: 40,
    mergesRunning: 1,
    alertRules: 3,
    evaluationsPerS: 0.5,
    evaluationFailuresPerS: 0,
    evaluationLagP99Ms: 8,
    evaluationP99Ms: 20,
    ...over,
  };
}

function run(
  collector: string,
  startedMin: number,
  points: CollectorHealthPoint[],
): CollectorHealth {
  return {
    collector,
    startedAt: iso(T + startedMin * MIN),
    lastSeen: points.at(-1)?.time ?? iso(T),
    points,
  };
}

function response(collectors: CollectorHealth[]): CollectorHealthResponse {
  return { from: iso(T), to: iso(T + 10 * MIN), stepMs: MIN, intervalMs: MIN, collectors };
}

describe('run labels', () => {
  test('the collector string; with its start time when the string names several runs', () => {
    expect(runLabels([run('a:1', -90, []), run('b:7', 2, []), run('b:7', -30, [])])).toEqual([
      'a:1',
      'b:7 (started 2026-12-04 05:02:00)',
      'b:7 (started 2026-12-04 04:30:00)',
    ]);
    expect(utcTime('2026-12-04T05:59:41.123Z')).toBe('2026-12-04 05:59:41');
  });
});

describe('health lines', () => {
  test('a line per run over the union of times; null rates stay null', () => {
    const res = response([
      run('a:1', -90, [point(0, { acceptedPerS: null }), point(1, { acceptedPerS: 50 })]),
      run('b:2', -90, [point(1, { acceptedPerS: 20 }), point(2, { acceptedPerS: 30 })]),
    ]);
    const { rows, lines } = healthLines(res, 'acceptedPerS');
    expect(lines).toEqual(['a:1', 'b:2']);
    expect(rows).toEqual([
      { t: T, 'a:1': null },
      { t: T + MIN, 'a:1': 50, 'b:2': 20 },
      { t: T + 2 * MIN, 'b:2': 30 },
    ]);
  });

  test('a bucket a run has no row for breaks its line; points are sorted by time', () => {
    const res = response([run('a:1', -90, [point(3, { activeParts: 9 }), point(0)])]);
    const { rows } = healthLines(res, 'activeParts');
    expect(rows).toEqual([
      { t: T, 'a:1': 40 },
      { t: T + MIN, 'a:1': null },
      { t: T + 3 * MIN, 'a:1': 9 },
    ]);
  });

  test('the bound is a second line per run, left out where it is 0 throughout', () => {
    const res = response([
      run('a:1', -90, [
        point(0, { memoryBoundBytes: 0 }),
        point(1, { memoryBoundBytes: 2048, rssBytes: 1024 }),
      ]),
      run('b:2', -90, [point(0, { rssBytes: 4096 })]),
    ]);
    const { rows, lines } = healthLines(
      res,
      'rssBytes',
      { figure: 'memoryBoundBytes', suffix: 'memory bound' },
      (v) => v / 1024,
    );
    expect(lines).toEqual(['a:1', 'a:1 memory bound', 'b:2']);
    expect(rows).toEqual([
      { t: T, 'a:1': 500 * 1024, 'a:1 memory bound': null, 'b:2': 4 },
      { t: T + MIN, 'a:1': 1, 'a:1 memory bound': 2 },
    ]);
  });

  test('no collectors, no rows', () => {
    const res = response([]);
    expect(healthLines(res, 'refusedPerS')).toEqual({ rows: [], lines: [] });
    expect(hasHealth(res)).toBe(false);
    expect(hasHealth(response([run('a:1', 0, [point(0)])]))).toBe(true);
  });
});

describe('collector summaries', () => {
  test('the latest known rates and the latest bucket’s figures, a row per run', () => {
    const res = response([
      run('a:1', -90, [
        point(0, { acceptedPerS: 10, refusedPerS: 1, evaluationsPerS: 2 }),
        point(1, {
          acceptedPerS: 12,
          refusedPerS: null,
          evaluationsPerS: null,
          rssBytes: 900,
          memoryBoundBytes: 1000,
          activeParts: 41,
          evaluationLagP99Ms: 15,
        }),
      ]),
      run('a:1', 5, [point(6, { acceptedPerS: null, refusedPerS: null, evaluationsPerS: null })]),
      run('c:3', -90, []),
    ]);
    expect(collectorSummaries(res)).toEqual([
      {
        label: 'a:1 (started 2026-12-04 03:30:00)',
        collector: 'a:1',
        startedAt: iso(T - 90 * MIN),
        lastSeen: iso(T + MIN),
        acceptedPerS: 12,
        refusedPerS: 1,
        evaluationsPerS: 2,
        rssBytes: 900,
        memoryBoundBytes: 1000,
        activeParts: 41,
        evaluationLagP99Ms: 15,
      },
      {
        label: 'a:1 (started 2026-12-04 05:05:00)',
        collector: 'a:1',
        startedAt: iso(T + 5 * MIN),
        lastSeen: iso(T + 6 * MIN),
        acceptedPerS: null,
        refusedPerS: null,
        evaluationsPerS: null,
        rssBytes: 500 * 1024 ** 2,
        memoryBoundBytes: null,
        activeParts: 40,
        evaluationLagP99Ms: 8,
      },
      {
        label: 'c:3',
        collector: 'c:3',
        startedAt: iso(T - 90 * MIN),
        lastSeen: iso(T),
        acceptedPerS: null,
        refusedPerS: null,
        evaluationsPerS: null,
        rssBytes: null,
        memoryBoundBytes: null,
        activeParts: null,
        evaluationLagP99Ms: null,
      },
    ]);
  });
});
