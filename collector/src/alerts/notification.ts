import type { AlertNotification } from './contract.js';
import type { RuleSpec } from './rule-schema.js';
import type { InstanceState, Severity } from './state-machine.js';

/** Signal fields that become labels of the alert (its filters). */
const FILTER_LABELS = [
  'service',
  'model',
  'version',
  'variant',
  'provider',
  'operation',
  'host',
  'gpu',
] as const;

/**
 * The labels that identify a rule's alert: `alertname` (the rule's name), the signal's
 * filters and the rule's own labels (which win). `severity` is not among them: it changes
 * while the alert fires (warning ↔ critical) and the alert stays the same one.
 */
export function identityLabels(
  spec: Pick<RuleSpec, 'name' | 'signal' | 'labels'>,
): Record<string, string> {
  const out: Record<string, string> = { alertname: spec.name };
  const signal = (spec.signal ?? {}) as Record<string, unknown>;
  for (const key of FILTER_LABELS) {
    const v = signal[key];
    if (typeof v === 'string') out[key] = v;
  }
  for (const [k, v] of Object.entries(spec.labels)) if (k !== 'severity') out[k] = v;
  return out;
}

/**
 * The alert's labels with its severity: `warning` while only the warning threshold is
 * crossed, otherwise the rule's own `severity` label (e.g. `page`) or `critical`.
 */
export function alertLabels(
  spec: Pick<RuleSpec, 'name' | 'signal' | 'labels'>,
  severity: Severity | null,
): Record<string, string> {
  const own = spec.labels.severity;
  return {
    ...identityLabels(spec),
    severity: severity === 'warning' ? 'warning' : (own ?? 'critical'),
  };
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * Alertmanager's fingerprint of a label set (Prometheus `model.LabelSet.Fingerprint`):
 * FNV-1a 64 over the names in order, each name and value followed by the byte 0xff, as
 * 16 hex digits.
 */
export function fingerprint(labels: Record<string, string>): string {
  let h = FNV_OFFSET;
  const eat = (s: string) => {
    for (const b of Buffer.from(s, 'utf8')) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK;
    h = ((h ^ 0xffn) * FNV_PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    eat(name);
    eat(labels[name]!);
  }
  return h.toString(16).padStart(16, '0');
}

/** A number as annotations show it: integers as is, others to 6 significant digits. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'no data';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

const TEMPLATE =
  /\{\{\s*\$(value|labels\.([A-Za-z_][A-Za-z0-9_]*)|details\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}/g;

/**
 * Renders an annotation template: `{{ $value }}`, `{{ $labels.<name> }}` and
 * `{{ $details.<name> }}` (the signal's extra figures: burn rates, anomaly score). An
 * unknown label renders empty, as in Prometheus; anything else is left as written.
 *
 * @example
 * renderTemplate('p95 {{ $value }} ms on {{ $labels.model }}', { value: 2310.5, labels: { model: 'gpt-4o-mini' } });
 * // 'p95 2310.5 ms on gpt-4o-mini'
 */
export function renderTemplate(
  text: string,
  data: {
    value: number | null;
    labels: Record<string, string>;
    details?: Record<string, number | null>;
  },
): string {
  return text.replace(TEMPLATE, (_, what: string, label?: string, detail?: string) => {
    if (what === 'value') return formatValue(data.value);
    if (label !== undefined) return data.labels[label] ?? '';
    return formatValue(data.details?.[detail!]);
  });
}

/** What a notification is built from. */
export interface NotificationInput {
  project: string;
  ruleId: string;
  spec: RuleSpec;
  /** The state after the transition. */
  state: InstanceState;
  /** The severity the alert fired with (for a resolve: the one it had). */
  severity: Severity | null;
  status: 'firing' | 'resolved';
  details?: Record<string, number | null>;
  topTraces: { traceId: string; durationMs: number }[];
  /** `--public-url`, without a trailing slash; links are left out without it. */
  publicUrl?: string;
}

/** Builds the notification of one transition; its id is stable for that transition. */
export function buildNotification(input: NotificationInput): AlertNotification {
  const { spec, state, publicUrl } = input;
  const labels = alertLabels(spec, input.severity);
  const fp = fingerprint(identityLabels(spec));
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.annotations))
    annotations[k] = renderTemplate(v, { value: state.value, labels, details: input.details });
  const iso = (ms: number | null) => new Date(ms ?? state.lastEvalMs ?? 0).toISOString();
  const project = encodeURIComponent(input.project);
  return {
    id: `${input.ruleId}:${fp}:${state.seq}`,
    project: input.project,
    ruleId: input.ruleId,
    ruleName: spec.name,
    status: input.status,
    labels,
    annotations,
    fingerprint: fp,
    startsAt: iso(state.firingSinceMs),
    ...(input.status === 'resolved' ? { endsAt: iso(state.resolvedAtMs) } : {}),
    value: state.value,
    channels: spec.channels,
    ...(publicUrl
      ? {
          generatorUrl: `${publicUrl}/alerts?project=${project}&rule=${encodeURIComponent(input.ruleId)}`,
        }
      : {}),
    topTraces: input.topTraces.map((t) => ({
      traceId: t.traceId,
      durationMs: t.durationMs,
      ...(publicUrl
        ? { url: `${publicUrl}/traces?project=${project}&trace=${encodeURIComponent(t.traceId)}` }
        : {}),
    })),
  };
}
