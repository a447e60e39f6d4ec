/**
 * The seams between the alerting module's three parts, fixed first so that they can be built
 * apart: the rule lifecycle (rules, evaluator, state, history: `alerts/*.ts`), the signals
 * (what a rule measures, read from rollups and stored drift results: `alerts/signals/`) and
 * delivery (channels, outbox, routing, silences, webhooks: `alerts/delivery/`).
 *
 * Dependencies point one way: lifecycle → signals, lifecycle → delivery (through
 * {@link Notifier}); signals and delivery never import the lifecycle.
 */
import type { Db } from '../storage/db.js';

/** A duration as rules write it: `"500ms"`, `"30s"`, `"5m"`, `"1h"`, `"7d"`. */
export type DurationText = string;

/** Comparison of a signal's value with a threshold. */
export type ConditionOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** A threshold condition; `warning` fires a `severity=warning` alert before `threshold`. */
export interface Condition {
  op: ConditionOp;
  threshold: number;
  warning?: number;
}

/** A time span in Unix milliseconds, `[fromMs, toMs)`. */
export interface WindowMs {
  fromMs: number;
  toMs: number;
}

/** What a signal's evaluation reads with: the project it is scoped to and the database. */
export interface SignalContext {
  db: Db;
  project: string;
}

/**
 * One evaluation of a signal over its window.
 *
 * - `value: null` means no data in the window (the lifecycle turns it into the rule's
 *   no-data state, or into firing for the `absence` kind, which reports `breach`).
 * - `breach` is set by kinds that decide for themselves (SLO burn rate, anomaly band,
 *   composite, absence); otherwise the lifecycle compares `value` with the rule's condition.
 * - `band` is the anomaly kind's learned band, drawn by the preview.
 * - `details` are extra figures for annotations and the API (burn rates, error budget left,
 *   anomaly score, each side of a composite), all numbers.
 */
export interface SignalSample {
  value: number | null;
  breach?: 'firing' | 'warning' | 'ok';
  band?: { lower: number; upper: number };
  details?: Record<string, number | null>;
}

/** A sample at a point in time, for the preview chart. */
export interface SignalPoint extends SignalSample {
  /** End of the trailing window this sample covers, ISO 8601. */
  time: string;
}

/**
 * Evaluates signals. Implemented by `alerts/signals/`; the `signal` argument is the parsed
 * value of the rule's `signal` field (its zod schema is exported by `alerts/signals/schema.ts`
 * as `signalSchema`, type `Signal`).
 */
export interface SignalEvaluator<S = unknown> {
  /** The signal over `window` (normally `[at - rule.window, at)`). Costs milliseconds. */
  evaluate(ctx: SignalContext, signal: S, window: WindowMs): Promise<SignalSample>;
  /**
   * Many signals of one project, each over its window, with as few queries as the kinds
   * allow (signals over the same stored rows share one scan): the result of each item, in
   * order, as `evaluate` would give it. Optional: without it, callers use `evaluate`.
   */
  evaluateMany?(
    ctx: SignalContext,
    items: readonly { signal: S; window: WindowMs }[],
  ): Promise<PromiseSettledResult<SignalSample>[]>;
  /**
   * Samples every `stepMs` over `range`, each over its trailing `windowMs`, for the rule
   * preview: one query per call where the kind allows it, not one per point.
   */
  series(
    ctx: SignalContext,
    signal: S,
    windowMs: number,
    range: WindowMs & { stepMs: number },
  ): Promise<SignalPoint[]>;
  /** The slowest inferences matching the signal's filters in the window, for the alert body. */
  topTraces(
    ctx: SignalContext,
    signal: S,
    window: WindowMs,
    limit: number,
  ): Promise<{ traceId: string; spanId: string; durationMs: number }[]>;
}

/**
 * A state change that people are told about: a rule's alert started firing (or changed
 * severity) or resolved. Built by the lifecycle, handed to delivery.
 */
export interface AlertNotification {
  /**
   * Idempotency key, stable for one transition: `${ruleId}:${fingerprint}:${seq}` where `seq`
   * is the rule's transition counter. Delivery ignores a second enqueue of the same id, so
   * the lifecycle may re-enqueue after a crash without duplicates.
   */
  id: string;
  project: string;
  ruleId: string;
  ruleName: string;
  status: 'firing' | 'resolved';
  /** `alertname`, the rule's labels, `severity`, and the signal's filters as labels. */
  labels: Record<string, string>;
  /** The rule's annotations with their templates rendered (`{{ $value }}`, `{{ $labels.x }}`). */
  annotations: Record<string, string>;
  /** Hash of the sorted labels, as Alertmanager's fingerprint. */
  fingerprint: string;
  /** ISO 8601. */
  startsAt: string;
  /** ISO 8601 when resolved. */
  endsAt?: string;
  /** The value that made it fire or resolve. */
  value: number | null;
  /** Channel ids from the rule; routing by labels may add more. */
  channels: string[];
  /** Link to the rule in the dashboard (`--public-url`), when one is configured. */
  generatorUrl?: string;
  /** The top offending traces, each with its dashboard link when a public URL is set. */
  topTraces: { traceId: string; durationMs: number; url?: string }[];
}

/** Takes notifications into the persisted outbox; delivery happens after, with retries. */
export interface Notifier {
  /**
   * Durably records the notifications (routing, grouping, silences and maintenance windows
   * apply after this). Resolves once they are stored; an id already stored is skipped.
   */
  enqueue(notifications: readonly AlertNotification[]): Promise<void>;
}
