import type {
  AlertPreviewResponse,
  AlertRule,
  AlertStatus,
  ChannelHealth,
  ChannelTestResponse,
  LabelMatcher,
  MaintenanceWindow,
  MeResponse,
} from '@aiobs/api-types';

/** The rule form's fields, as typed. */
export interface RuleDraft {
  name: string;
  kind: 'latency' | 'errorRate' | 'throughput' | 'cost';
  quantile: string;
  model: string;
  window: string;
  op: '>' | '>=' | '<' | '<=';
  threshold: string;
  for: string;
  /** Ids of the channels it notifies (besides channels whose matchers pick its alerts). */
  channels?: string[];
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
      ...(d.channels?.length ? { channels: d.channels } : {}),
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

/** Preview chart rows: the signal at each evaluation, with an anomaly rule's band. */
export function previewRows(
  res: AlertPreviewResponse,
): Array<{ t: number; value: number | null; band?: [number, number] }> {
  return res.points.map((p) => ({
    t: Date.parse(p.time),
    value: p.value,
    ...(p.band ? { band: [p.band.lower, p.band.upper] as [number, number] } : {}),
  }));
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

/** The parts of a stored rule that are not its body (`PUT` takes the body only). */
const NOT_BODY = new Set(['id', 'project', 'createdAt', 'updatedAt']);

/** A stored rule's body, as `PUT /api/v1/alert-rules/:id` takes it back. */
export function ruleSpec(r: AlertRule): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([k]) => !NOT_BODY.has(k)));
}

const FORM_OPS = new Set(['>', '>=', '<', '<=']);

/**
 * The form's fields for a stored rule, or undefined when the form cannot show it (a kind it
 * does not offer, or one that decides its own breach): such rules are edited through the API.
 */
export function ruleDraft(r: AlertRule): RuleDraft | undefined {
  const kind = r.signal.kind;
  if (!(kind in KINDS) || !r.condition || !FORM_OPS.has(r.condition.op)) return undefined;
  const q = r.signal.quantile;
  return {
    name: r.name,
    kind: kind as RuleDraft['kind'],
    quantile: typeof q === 'number' ? String(q) : '0.95',
    model: typeof r.signal.model === 'string' ? r.signal.model : '',
    window: r.window,
    op: r.condition.op as RuleDraft['op'],
    threshold: String(r.condition.threshold),
    for: r.for,
    channels: r.channels,
  };
}

/**
 * The `PUT` body of an edited rule: the draft's fields over the stored body, so what the form
 * does not show (labels, interval, other filters, a warning threshold) is kept.
 */
export function ruleEditBody(
  r: AlertRule,
  d: RuleDraft,
): { body: Record<string, unknown> } | { missing: string } {
  const built = ruleBody(d);
  if ('missing' in built) return built;
  const { quantile: _q, model: _m, kind: _k, ...filters } = r.signal;
  const condition = built.body.condition as { op: string; threshold: number };
  const warning = r.condition?.warning;
  return {
    body: {
      ...ruleSpec(r),
      ...built.body,
      name: d.name.trim() || r.name,
      signal: { ...filters, ...(built.body.signal as Record<string, unknown>) },
      condition: warning === undefined ? condition : { ...condition, warning },
      channels: d.channels ?? r.channels,
    },
  };
}

/** A draft webhook channel, as typed. */
export interface ChannelDraft {
  name: string;
  url: string;
  format: 'alertmanager' | 'slack';
  /** One `Name: value` per line. */
  headers: string;
}

/** A form's input that the API would refuse, named as the API names fields. */
export interface DraftProblem {
  field: string;
  message: string;
}

/** `Name: value` lines as a header map; blank lines are skipped. */
export function parseHeaders(text: string): { headers: Record<string, string> } | DraftProblem {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) return { field: 'headers', message: `line ${i + 1}: write it as Name: value` };
    out[m[1]!] = m[2]!;
  }
  return { headers: out };
}

/** The `POST /api/v1/channels` body of a draft, or what is wrong with it. */
export function channelBody(d: ChannelDraft): { body: Record<string, unknown> } | DraftProblem {
  if (!d.name.trim()) return { field: 'name', message: 'give the channel a name' };
  const url = d.url.trim();
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    return { field: 'url', message: 'must be an http or https URL' };
  const parsed = parseHeaders(d.headers);
  if ('field' in parsed) return parsed;
  const { headers } = parsed;
  return {
    body: {
      name: d.name.trim(),
      type: 'webhook',
      url,
      format: d.format,
      ...(Object.keys(headers).length ? { headers } : {}),
    },
  };
}

/** A test-send's outcome in one line: `Delivered: HTTP 200 in 12 ms`. */
export function testResult(r: ChannelTestResponse): { ok: boolean; text: string } {
  const http = r.httpStatus ? `HTTP ${r.httpStatus}` : '';
  const took = `in ${Math.round(r.durationMs)} ms`;
  if (r.status === 'delivered') return { ok: true, text: `Delivered: ${http} ${took}`.trim() };
  // The error often is the status itself ("HTTP 500"): say it once.
  const why = r.refused
    ? `refused (${r.refused})`
    : [...new Set([http, r.error].filter(Boolean))].join(', ');
  return r.status === 'failed'
    ? { ok: false, text: `Failed: ${why || 'no answer'}; it will not be retried` }
    : {
        ok: false,
        text: `Not delivered: ${why || 'no answer'}; retrying${r.nextAttemptAt ? ` at ${r.nextAttemptAt.slice(11, 19)} UTC` : ''}`,
      };
}

/** A channel's delivery health in words (the failing state spelled out). */
export function healthText(h: ChannelHealth): string {
  if (h.status === 'unknown') return 'no attempts yet';
  const last = h.lastAttemptAt ? `, last at ${h.lastAttemptAt.slice(0, 19).replace('T', ' ')}` : '';
  const code = h.lastStatus ? ` (HTTP ${h.lastStatus})` : '';
  return h.status === 'ok'
    ? `delivering${code}${last}`
    : `${h.consecutiveFailures} failed attempts in a row${code}${last}`;
}

const MATCHER =
  /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^",\s]*))\s*/y;

/**
 * Label matchers typed as Alertmanager writes them, separated by commas or lines:
 * `severity="page", team=~"ml-.*"`.
 */
export function parseMatchers(text: string): LabelMatcher[] | DraftProblem {
  const out: LabelMatcher[] = [];
  let at = 0;
  while (at < text.length) {
    if (/^[\s,]*$/.test(text.slice(at))) break;
    MATCHER.lastIndex = at;
    const m = MATCHER.exec(text);
    if (!m)
      return {
        field: 'matchers',
        message: `write each as name="value" (also !=, =~, !~); stuck at “${text.slice(at).trim().slice(0, 20)}”`,
      };
    out.push({
      name: m[1]!,
      op: m[2] as LabelMatcher['op'],
      value: m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? ''),
    });
    at = MATCHER.lastIndex;
    const sep = /[\s,]*/y;
    sep.lastIndex = at;
    sep.exec(text);
    at = Math.max(sep.lastIndex, at);
  }
  return out;
}

/** Matchers as text: `severity="page", team=~"ml-.*"`. */
export function formatMatchers(ms: LabelMatcher[]): string {
  return ms.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ');
}

/**
 * `ms` as a time field's text, UTC `YYYY-MM-DD HH:MM`: the page shows UTC throughout, in the
 * tables' format, whatever the browser's locale.
 */
export function utcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** A time field's text (`YYYY-MM-DD HH:MM[:SS]`, or with a `T`) read as UTC, in ms (NaN when not). */
export function fromUtcInput(v: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2})?)$/.exec(v.trim());
  return m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
}

/** A draft silence, as typed. */
export interface SilenceDraft {
  matchers: string;
  startsAt: string;
  endsAt: string;
  comment: string;
}

/** The `POST /api/v1/silences` body of a draft, or what is wrong with it. */
export function silenceBody(
  d: SilenceDraft,
  now: number,
): { body: Record<string, unknown> } | DraftProblem {
  const matchers = parseMatchers(d.matchers);
  if ('field' in matchers) return matchers;
  if (matchers.length === 0) return { field: 'matchers', message: 'add at least one matcher' };
  const start = fromUtcInput(d.startsAt);
  const end = fromUtcInput(d.endsAt);
  if (Number.isNaN(start)) return { field: 'startsAt', message: 'pick a start time' };
  if (Number.isNaN(end)) return { field: 'endsAt', message: 'pick an end time' };
  if (end <= Math.max(start, now))
    return { field: 'endsAt', message: 'must be after the start and in the future' };
  if (!d.comment.trim()) return { field: 'comment', message: 'say why (it shows in the list)' };
  return {
    body: {
      matchers,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(end).toISOString(),
      comment: d.comment.trim(),
    },
  };
}

/**
 * Whether the caller may change alerts in `project`: the instance admin, or an owner or
 * editor there. Unknown (`/auth/me` not answered) counts as yes: the API still decides.
 */
export function canEdit(me: MeResponse | undefined, project: string): boolean {
  if (!me || me.instanceAdmin || me.kind === 'admin') return true;
  if (me.kind === 'read') return false;
  const role = me.projects.find((p) => p.id === project)?.role;
  return role !== 'viewer';
}

/** A draft one-off maintenance window, as typed (weekly ones are made through the API). */
export interface WindowDraft {
  name: string;
  matchers: string;
  startsAt: string;
  endsAt: string;
}

/** The `POST /api/v1/maintenance-windows` body of a draft, or what is wrong with it. */
export function windowBody(
  d: WindowDraft,
  now: number,
): { body: Record<string, unknown> } | DraftProblem {
  if (!d.name.trim()) return { field: 'name', message: 'give the window a name' };
  const matchers = parseMatchers(d.matchers);
  if ('field' in matchers) return matchers;
  const start = fromUtcInput(d.startsAt);
  const end = fromUtcInput(d.endsAt);
  if (Number.isNaN(start)) return { field: 'startsAt', message: 'pick a start time' };
  if (Number.isNaN(end) || end <= Math.max(start, now))
    return { field: 'endsAt', message: 'must be after the start and in the future' };
  return {
    body: {
      name: d.name.trim(),
      matchers,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(end).toISOString(),
    },
  };
}

/** When a window mutes: `2026-12-02 04:00 – 06:00` or `sat, sun 22:00–02:00 Europe/Berlin`. */
export function describeWindow(w: MaintenanceWindow): string {
  if (w.recurrence) {
    const r = w.recurrence;
    return `${r.days.join(', ')} ${r.start}–${r.end} ${r.timezone}`;
  }
  const t = (iso: string | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '…');
  return `${t(w.startsAt)} – ${t(w.endsAt)} UTC`;
}
