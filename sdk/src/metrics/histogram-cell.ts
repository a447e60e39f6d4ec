/** A point-in-time copy of a {@link HistogramCell}. */
export interface HistogramSnapshot {
  counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

/**
 * One explicit-bucket histogram: what sdk-metrics keeps per attribute set, without the
 * attribute hashing that sdk-metrics does on every `record()` call.
 *
 * Buckets follow the OpenTelemetry explicit-bucket definition: bucket `i` counts values in
 * `(boundaries[i-1], boundaries[i]]`, with one extra bucket above the last boundary.
 */
export class HistogramCell {
  readonly counts: number[];
  sum = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor(readonly boundaries: readonly number[]) {
    this.counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  /** Adds one measurement; ignores NaN, infinities and negative values (none are valid here). */
  record(value: number): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return;
    const b = this.boundaries;
    let i = 0;
    while (i < b.length && value > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  snapshot(): HistogramSnapshot {
    return {
      counts: this.counts.slice(),
      sum: this.sum,
      count: this.count,
      min: this.min,
      max: this.max,
    };
  }
}
