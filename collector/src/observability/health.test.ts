import { describe, expect, test } from 'vitest';
import { type HealthBucketRow, toCollectorHealth } from './health.js';

const zero = {
  accepted_records: 0,
  rejected_records: 0,
  refused: 0,
  memory_refused: 0,
  decode_errors: 0,
  too_large: 0,
  rows_written: 0,
  inserts: 0,
  insert_failures: 0,
  insert_seconds: 0,
  evaluations: 0,
  evaluation_failures: 0,
  pending_bytes: 0,
  max_pending_bytes: 64,
  rss_bytes: 100,
  memory_bound_bytes: 0,
  active_parts: 1,
  merges_running: 0,
  alert_rules: 0,
  evaluation_lag_p99_ms: 0,
  evaluation_p99_ms: 0,
};

function row(
  collector: string,
  startedS: number,
  bucket: number,
  over: Partial<HealthBucketRow> = {},
): HealthBucketRow {
  // ClickHouse's JSON gives 64-bit integers as strings.
  return {
    ...zero,
    collector,
    started_ms: String(startedS * 1000),
    bucket,
    last_ts: bucket + 50,
    ...over,
  } as HealthBucketRow;
}

describe('toCollectorHealth', () => {
  test('rates are differences of the totals over the time between the rows', () => {
    const [c] = toCollectorHealth(
      [
        row('a:1', 1000, 1060, { accepted_records: '600', inserts: 6, insert_seconds: 0.6 }),
        row('a:1', 1000, 1120, {
          accepted_records: '1800',
          inserts: 9,
          insert_failures: 1,
          insert_seconds: 1.0,
          refused: 3,
          rss_bytes: 300,
        }),
      ],
      { fromMs: 1_000_000, lookbackFromMs: 940_000 },
    );
    expect(c!.collector).toBe('a:1');
    expect(c!.startedAt).toBe(new Date(1_000_000).toISOString());
    expect(c!.lastSeen).toBe(new Date(1170_000).toISOString());
    const [p1, p2] = c!.points;
    // From zero at the start (1000 s) to the first row (1110 s).
    expect(p1!.acceptedPerS).toBeCloseTo(600 / 110, 12);
    expect(p1!.rateWindowMs).toBe(110_000);
    expect(p1!.insertMeanMs).toBeCloseTo(100, 9);
    expect(p1!.time).toBe(new Date(1_060_000).toISOString());
    // 1200 more over the 60 s between the rows; 4 inserts (3 ok, 1 failed) took 0.4 s.
    expect(p2!.acceptedPerS).toBe(20);
    expect(p2!.rateWindowMs).toBe(60_000);
    expect(p2!.refusedPerS).toBe(3 / 60);
    expect(p2!.insertMeanMs).toBeCloseTo(100, 9);
    expect(p2!.rssBytes).toBe(300);
    expect(p2!.insertFailuresPerS).toBe(1 / 60);
  });

  test('a run that started before the rows read has no rate in its first bucket; lookback rows are left out', () => {
    const [c] = toCollectorHealth(
      [
        // Read only as the previous totals: its last row is before the range.
        row('b:2', 10, 900, { accepted_records: 100, last_ts: 950 }),
        row('b:2', 10, 960, { accepted_records: 160, last_ts: 1010 }),
      ],
      { fromMs: 1_000_000, lookbackFromMs: 900_000 },
    );
    expect(c!.points).toHaveLength(1);
    expect(c!.points[0]!.acceptedPerS).toBe(1);
    const [alone] = toCollectorHealth([row('b:2', 10, 960, { last_ts: 1010 })], {
      fromMs: 1_000_000,
      lookbackFromMs: 900_000,
    });
    expect(alone!.points[0]!.acceptedPerS).toBeNull();
    expect(alone!.points[0]!.rateWindowMs).toBeNull();
    expect(alone!.points[0]!.insertMeanMs).toBeNull();
    expect(alone!.points[0]!.rssBytes).toBe(100);
  });

  test('runs are apart: a restart (a new start) counts from zero again, not from the old totals', () => {
    const out = toCollectorHealth(
      [
        row('a:1', 2000, 2060, { accepted_records: 50 }),
        row('a:1', 1000, 1060, { accepted_records: 5000 }),
        row('0:9', 1000, 1060, { accepted_records: 110 }),
      ],
      { fromMs: 1_000_000, lookbackFromMs: 900_000 },
    );
    expect(out.map((c) => [c.collector, c.startedAt, c.points[0]!.acceptedPerS])).toEqual([
      ['0:9', new Date(1_000_000).toISOString(), 1],
      ['a:1', new Date(1_000_000).toISOString(), 5000 / 110],
      ['a:1', new Date(2_000_000).toISOString(), 50 / 110],
    ]);
  });

  test('a total that went back gives no rate rather than a negative one', () => {
    const [c] = toCollectorHealth(
      [row('a:1', 1000, 1060, { rows_written: 10 }), row('a:1', 1000, 1120, { rows_written: 4 })],
      { fromMs: 1_000_000, lookbackFromMs: 940_000 },
    );
    expect(c!.points[1]!.rowsWrittenPerS).toBeNull();
  });
});
