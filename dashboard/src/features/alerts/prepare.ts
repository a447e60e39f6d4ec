import type { AlertPreviewResponse, AlertRule, AlertStatus } from '@aiobs/api-types';

/** The rule form's fields, as typed. */
export interface RuleDraft {
  name: string;
  kind: 'latency' | 'errorRate' | 'throughput' | 'cost';
  quantile: string;
  model: string;
  window: string;
  op: '>' | '<';
  threshold: string;
  for: string;
}

/** The kinds the form offers, with their unit. */
export const KINDS: Record<RuleDraft['kind'], { label: string; unit: string }> = {
  latency: { label: 'Latency percentile', unit: 'ms' },
  errorRate: { label: 'Error rate', unit: 'ratio 0–1' },
  throughput: { label: 'Throughput', unit: 'req/s' },
  cost: { label: 'Cost in the window', unit: 'USD' },
};

/**
 * The API body of a draft, or the field that is not ready yet (so the preview waits for a
 * number instead of asking the API about half-typed input).
 */
export function ruleBody(d: RuleDraft): { body: Record<string, unknown> } | { missing: string } {
  const threshold = Number(d.threshold);
  if (d.threshold.trim() === '' || !Number.isFinite(threshold)) return { missing: 'threshold' };
  const signal: Record<string, unknown> = { kind: d.kind };
  if (d.kind === 'latency') {
    const q = Number(d.quantile);
    if (!(q > 0 && q < 1)) return { missing: 'quantile' };
    signal.quantile = q;
  }
  if (d.model) signal.model = d.model;
  return {
    body: {
      ...(d.name.trim() ? { name: d.name.trim() } : {}),
      signal,
      window: d.window || '5m',
      condition: { op: d.op, threshold },
      for: d.for || '0s',
    },
  };
}

/** A rule's signal and condition in one line: `latency p95 of acme/chat > 300`. */
export function describeRule(r: AlertRule): string {
  const s = r.signal;
  const what =
    s.kind === 'latency' && typeof s.quantile === 'number'
      ? `latency p${Math.round(s.quantile * 100)}`
      : s.kind;
  const filters = ['model', 'service', 'version', 'variant']
    .filter((k) => typeof s[k] === 'string')
    .map((k) => String(s[k]));
  const cond = r.condition ? ` ${r.condition.op} ${r.condition.threshold}` : '';
  return `${what}${filters.length ? ` of ${filters.join(' ')}` : ''}${cond} over ${r.window}${r.for !== '0s' ? ` for ${r.for}` : ''}`;
}

/** Preview chart rows: the signal at each evaluation. */
export function previewRows(res: AlertPreviewResponse): Array<{ t: number; value: number | null }> {
  return res.points.map((p) => ({ t: Date.parse(p.time), value: p.value }));
}

/** Where the draft would have fired, as `[from, to]` ms (an open end runs to the range's end). */
export function firingAreas(
  res: AlertPreviewResponse,
): Array<{ from: number; to: number; severity: string }> {
  const end = Date.parse(res.to);
  return res.firing.map((f) => ({
    from: Date.parse(f.from),
    to: f.to === null ? end : Date.parse(f.to),
    severity: f.severity,
  }));
}

const ORDER: AlertStatus['state'][] = [
  'firing',
  'pending',
  'error',
  'no_data',
  'resolved',
  'inactive',
];

/** Current alerts, the ones needing attention first. */
export function sortAlerts(alerts: AlertStatus[]): AlertStatus[] {
  return [...alerts].sort(
    (a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || (a.ruleName < b.ruleName ? -1 : 1),
  );
}
