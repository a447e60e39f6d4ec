import type { Condition, SignalContext, SignalSample } from '../contract.js';
import type { Grid } from './grid.js';
import type { Signal } from './schema.js';
import type { Read } from './seasonal.js';

/**
 * Composite signals: every side must breach at the same point (A AND B), each side by its
 * own condition (an anomaly side by its band). The value is the first side's (what an
 * annotation usually quotes); `details` carry each side's value by its kind, e.g.
 * `{ttft: 2400, gpuThrottling: 0.35}`. All sides are read on the same grid, in parallel.
 */

type CompositeSignal = Extract<Signal, { kind: 'composite' }>;

/** Whether `v` meets `threshold` under `op`. */
export function compare(v: number, op: Condition['op'], threshold: number): boolean {
  switch (op) {
    case '>':
      return v > threshold;
    case '>=':
      return v >= threshold;
    case '<':
      return v < threshold;
    case '<=':
      return v <= threshold;
    case '==':
      return v === threshold;
    case '!=':
      return v !== threshold;
  }
}

/** A side's breach at one point: its own (self-deciding sides) or its condition's. */
export function sideBreach(
  sample: SignalSample,
  condition: Condition | undefined,
): 'firing' | 'warning' | 'ok' {
  if (condition === undefined) return sample.breach ?? 'ok';
  if (sample.value === null) return 'ok';
  if (compare(sample.value, condition.op, condition.threshold)) return 'firing';
  if (condition.warning !== undefined && compare(sample.value, condition.op, condition.warning))
    return 'warning';
  return 'ok';
}

/** Detail keys of the sides: their kinds, numbered when a kind repeats. */
function sideKeys(s: CompositeSignal): string[] {
  const kinds = s.signals.map((x) => x.signal.kind);
  return kinds.map((k, i) => (kinds.filter((x) => x === k).length > 1 ? `${k}${i + 1}` : k));
}

/** The composite at every point of `grid`. */
export async function compositePoints(
  ctx: SignalContext,
  s: CompositeSignal,
  windowMs: number,
  grid: Grid,
  read: Read,
): Promise<SignalSample[]> {
  const sides = await Promise.all(
    s.signals.map((x) => read(ctx, x.signal as Signal, windowMs, grid)),
  );
  const keys = sideKeys(s);
  return Array.from({ length: grid.n }, (_, k) => {
    const samples = sides.map((side) => side[k] ?? { value: null });
    const breaches = samples.map((x, i) => sideBreach(x, s.signals[i]!.condition));
    const breach = breaches.every((b) => b === 'firing')
      ? 'firing'
      : breaches.every((b) => b !== 'ok')
        ? 'warning'
        : 'ok';
    const details: Record<string, number | null> = {};
    samples.forEach((x, i) => {
      details[keys[i]!] = x.value;
    });
    return { value: samples[0]!.value, breach, details };
  });
}
