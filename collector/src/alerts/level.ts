import type { Condition, ConditionOp, SignalSample } from './contract.js';
import type { Outcome } from './state-machine.js';

/** Whether `value op threshold` holds. */
export function compare(op: ConditionOp, value: number, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/**
 * What a signal's sample means for the rule: the signal's own verdict when it gives one
 * (SLO burn rate, anomaly band, composite, absence), else the value against the condition
 * (`threshold` → critical, `warning` → warning); no value is no data.
 */
export function outcomeOf(sample: SignalSample, condition: Condition | undefined): Outcome {
  const value = sample.value;
  if (sample.breach !== undefined) {
    const level =
      sample.breach === 'firing' ? 'critical' : sample.breach === 'warning' ? 'warning' : null;
    return { kind: 'sample', level, value };
  }
  if (value === null || !Number.isFinite(value)) return { kind: 'no_data' };
  if (!condition) return { kind: 'sample', level: null, value };
  if (compare(condition.op, value, condition.threshold))
    return { kind: 'sample', level: 'critical', value };
  if (condition.warning !== undefined && compare(condition.op, value, condition.warning))
    return { kind: 'sample', level: 'warning', value };
  return { kind: 'sample', level: null, value };
}
