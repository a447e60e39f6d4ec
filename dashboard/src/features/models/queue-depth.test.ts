import type { MetricSeriesResponse } from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import { queueDepthRows } from './queue-depth.js';

const T0 = '2026-12-04T10:00:00.000Z';
const T1 = '2026-12-04T10:01:00.000Z';

function res(series: MetricSeriesResponse['series']): MetricSeriesResponse {
  return {
    name: 'aiobs.inference.queue.depth',
    type: 'gauge',
    agg: 'max',
    from: T0,
    to: T1,
    stepMs: 60_000,
    series,
  };
}

describe('queueDepthRows', () => {
  it("adds up a service's replicas per bucket, one line per service", () => {
    const { rows, lines } = queueDepthRows(
      res([
        {
          group: { 'service.name': 'chat-api', 'resource.service.instance.id': 'a' },
          points: [
            { time: T0, value: 3 },
            { time: T1, value: 5 },
          ],
        },
        {
          group: { 'service.name': 'chat-api', 'resource.service.instance.id': 'b' },
          points: [{ time: T0, value: 4 }],
        },
        {
          group: { 'service.name': 'batch', 'resource.service.instance.id': '' },
          points: [{ time: T1, value: 0 }],
        },
      ]),
    );
    expect(lines).toEqual(['batch', 'chat-api']);
    expect(rows).toEqual([
      { t: Date.parse(T0), batch: null, 'chat-api': 7 },
      { t: Date.parse(T1), batch: 0, 'chat-api': 5 },
    ]);
  });

  it('skips null points and names a series without a service', () => {
    const { rows, lines } = queueDepthRows(
      res([
        {
          group: {},
          points: [
            { time: T0, value: null },
            { time: T1, value: 2 },
          ],
        },
      ]),
    );
    expect(lines).toEqual(['unknown service']);
    expect(rows).toEqual([{ t: Date.parse(T1), 'unknown service': 2 }]);
  });

  it('is empty without series', () => {
    expect(queueDepthRows(res([]))).toEqual({ rows: [], lines: [] });
  });
});
