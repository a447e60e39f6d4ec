import type { Attributes } from '@opentelemetry/api';
import { ATTR_AIOBS_FEATURE_PREFIX } from './semconv.js';
import type { FeatureValue } from './types.js';

/** How many inferences get their features recorded. */
export interface FeatureSamplingOptions {
  /** Probability (0–1) that an inference's features are recorded. Default 1. */
  rate?: number;
  /**
   * Most inferences per second (per process) whose features are recorded, so a traffic spike
   * cannot multiply span size. Default 100; `Infinity` for no budget.
   */
  maxPerSecond?: number;
}

/** Longest string feature value kept; longer values are cut (drift needs categories, not text). */
export const MAX_FEATURE_STRING_LENGTH = 256;
const MAX_CACHED_KEYS = 1000;

/**
 * Decides which inferences record their input features (`aiobs.feature.<name>`), by rate and
 * a per-second budget, and writes them as span attributes. Drift statistics need a steady
 * sample, not every request: the budget keeps the cost flat under load.
 */
export class FeatureSampler {
  readonly rate: number;
  readonly maxPerSecond: number;
  private windowStart = 0;
  private used = 0;
  private readonly keys = new Map<string, string>();

  constructor(
    options: FeatureSamplingOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.rate = clampRate(options.rate ?? 1);
    const max = options.maxPerSecond ?? 100;
    this.maxPerSecond = Number.isNaN(max) || max < 0 ? 0 : max;
  }

  /** Whether this inference's features are recorded; consumes budget when it says yes. */
  shouldSample(): boolean {
    if (this.rate <= 0 || this.maxPerSecond <= 0) return false;
    if (this.rate < 1 && Math.random() >= this.rate) return false;
    if (this.maxPerSecond !== Number.POSITIVE_INFINITY) {
      const t = this.now();
      if (t - this.windowStart >= 1000) {
        this.windowStart = t;
        this.used = 0;
      }
      if (this.used >= this.maxPerSecond) return false;
      this.used++;
    }
    return true;
  }

  /** Adds valid features to `attrs`: finite numbers, booleans, and strings (cut to 256 chars). */
  addFeatures(attrs: Attributes, features: Record<string, FeatureValue>): void {
    for (const name in features) {
      const v = features[name];
      let value: string | number | boolean;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) continue;
        value = v;
      } else if (typeof v === 'string') {
        value = v.length > MAX_FEATURE_STRING_LENGTH ? v.slice(0, MAX_FEATURE_STRING_LENGTH) : v;
      } else if (typeof v === 'boolean') {
        value = v;
      } else {
        continue;
      }
      attrs[this.keyOf(name)] = value;
    }
  }

  private keyOf(name: string): string {
    let k = this.keys.get(name);
    if (k === undefined) {
      k = ATTR_AIOBS_FEATURE_PREFIX + name;
      if (this.keys.size < MAX_CACHED_KEYS) this.keys.set(name, k);
    }
    return k;
  }
}

function clampRate(r: number): number {
  if (Number.isNaN(r)) return 0;
  return Math.min(Math.max(r, 0), 1);
}
