import type { Attributes } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';

/** A cumulative explicit-bucket histogram for back-filled points. */
export class Hist {
  counts: number[];
  sum = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }
  record(v: number): void {
    let i = 0;
    while (i < this.bounds.length && v > (this.bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += v;
    this.count++;
    this.min = Math.min(this.min, v);
    this.max = Math.max(this.max, v);
  }
  point(attributes: Attributes, startMs: number, endMs: number): DataPoint<Histogram> {
    return {
      attributes,
      startTime: millisToHrTime(startMs),
      endTime: millisToHrTime(endMs),
      value: {
        buckets: { boundaries: [...this.bounds], counts: [...this.counts] },
        sum: this.sum,
        count: this.count,
        min: this.min,
        max: this.max,
      },
    };
  }
}
