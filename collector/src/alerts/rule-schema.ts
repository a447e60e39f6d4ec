import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import type { Condition } from './contract.js';
import { durationMs, durationText } from './duration.js';

/**
 * The alert rule a client writes (`POST /api/v1/alert-rules`), validated with field errors.
 * The `signal` schema comes from `alerts/signals/schema.ts`; it is a parameter here so the
 * rule's own fields can be tested apart from the signal kinds.
 */

/** What a rule does when its signal has no data in the window (Grafana's "no data" handling). */
export type NoDataState = 'no_data' | 'ok' | 'alerting';
/** What a rule does when evaluating it fails (Grafana's "error" handling). */
export type ErrorState = 'error' | 'ok' | 'alerting';

/** A validated rule body, as stored and returned (durations keep the text the client wrote). */
export interface RuleSpec<S = unknown> {
  name: string;
  signal: S;
  window: string;
  /** Absent for signal kinds that decide their own breach (SLO, anomaly, composite, absence). */
  condition?: Condition;
  for: string;
  keepFiringFor: string;
  interval: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  channels: string[];
  enabled: boolean;
  noDataState: NoDataState;
  errorState: ErrorState;
}

/** A rule's durations in milliseconds, as the evaluator uses them. */
export interface RuleTiming {
  windowMs: number;
  forMs: number;
  keepFiringForMs: number;
  intervalMs: number;
}

/** Durations of a validated rule in milliseconds. */
export function ruleTiming(
  spec: Pick<RuleSpec, 'window' | 'for' | 'keepFiringFor' | 'interval'>,
): RuleTiming {
  return {
    windowMs: durationMs(spec.window) ?? 0,
    forMs: durationMs(spec.for) ?? 0,
    keepFiringForMs: durationMs(spec.keepFiringFor) ?? 0,
    intervalMs: durationMs(spec.interval) ?? 0,
  };
}

/** Default evaluation interval (Prometheus and Grafana both evaluate every 30 s to 1 min). */
export const DEFAULT_INTERVAL = '30s';

/** Prometheus label names: they become Alertmanager labels and template keys. */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function stringMap(maxValue: number) {
  return z
    .record(
      z.string().regex(LABEL_NAME, 'keys must be label names: letters, digits, _'),
      z.string().max(maxValue),
    )
    .refine((m) => Object.keys(m).length <= 32, 'at most 32 entries');
}

const conditionSchema = z
  .object({
    op: z.enum(['>', '>=', '<', '<=', '==', '!=']),
    threshold: z.number().finite(),
    warning: z.number().finite().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.warning === undefined) return;
    const above = c.op === '>' || c.op === '>=';
    const below = c.op === '<' || c.op === '<=';
    // A warning threshold is crossed before the critical one, on the way to it.
    if (
      (above && c.warning >= c.threshold) ||
      (below && c.warning <= c.threshold) ||
      (!above && !below)
    )
      ctx.addIssue({
        code: 'custom',
        path: ['warning'],
        message: above
          ? 'warning must be below threshold for op > and >='
          : below
            ? 'warning must be above threshold for op < and <='
            : 'warning needs an ordering op (>, >=, <, <=)',
      });
  });

/** What the rule schema is built from. */
export interface RuleSchemaOptions<S> {
  /** The signal kinds (AL2's `signalSchema`). */
  signal: z.ZodType<S>;
  /** True for kinds that decide their own breach, for which `condition` is optional. */
  decidesOwnBreach: (signal: S) => boolean;
  /** Shortest accepted `interval` (`--alert-eval-min-interval`). */
  minIntervalMs: number;
}

/** Builds the zod schema of a rule body. */
export function createRuleSchema<S>(opts: RuleSchemaOptions<S>) {
  return z
    .object({
      name: z.string().trim().min(1, 'must not be empty').max(256),
      signal: opts.signal,
      window: durationText(1_000).default('5m'),
      condition: conditionSchema.optional(),
      for: durationText(0).default('0s'),
      keepFiringFor: durationText(0).default('0s'),
      interval: durationText(opts.minIntervalMs).default(DEFAULT_INTERVAL),
      labels: stringMap(1024).default({}),
      annotations: stringMap(4096).default({}),
      channels: z.array(z.string().min(1).max(128)).max(32).default([]),
      enabled: z.boolean().default(true),
      noDataState: z.enum(['no_data', 'ok', 'alerting']).default('no_data'),
      errorState: z.enum(['error', 'ok', 'alerting']).default('error'),
    })
    .strict()
    .superRefine((r, ctx) => {
      if (r.condition === undefined && !opts.decidesOwnBreach(r.signal))
        ctx.addIssue({
          code: 'custom',
          path: ['condition'],
          message: 'condition {"op", "threshold"} is required for this signal kind',
        });
    });
}

/** The first problem of a failed parse, as a field path and a message. */
export function firstIssue(error: z.ZodError): { field: string | undefined; message: string } {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  // An unknown key is reported on its parent; name the key itself.
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return { field: [...path, key].join('.'), message: `unknown field "${key}"` };
  }
  return { field: path.join('.') || undefined, message: issue.message };
}

/**
 * Parses a rule body with `schema`, throwing a 400 that names the first bad field
 * (`{"error": {"code": "bad_request", "field": "condition.threshold", ...}}`).
 */
export function parseRuleSpec<S>(
  schema: ReturnType<typeof createRuleSchema<S>>,
  json: unknown,
): RuleSpec<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    throw new BadRequestError(field ? `${field}: ${message}` : message, field);
  }
  return parsed.data as RuleSpec<S>;
}
