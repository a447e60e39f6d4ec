import type {
  AlertPreviewResponse,
  AlertStatus,
  ChannelHealth,
  ChannelTestResponse,
  LabelMatcher,
  MaintenanceWindow,
  MeResponse,
} from '@aiobs/api-types';

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

/** A horizontal line the preview draws: a threshold, or the level a self-deciding kind fires at. */
export interface PreviewGuide {
  y: number;
  label: string;
  level: 'critical' | 'warning';
}

/**
 * The lines the preview draws over the signal: the condition's threshold and warning; for an
 * SLO, the burn rates that page and ticket (from the points' details); for an absence, zero.
 * An anomaly band is drawn from the points instead ({@link previewRows}).
 */
export function previewGuides(res: AlertPreviewResponse, kind: string): PreviewGuide[] {
  const c = res.condition;
  if (c)
    return [
      { y: c.threshold, label: `threshold ${c.threshold}`, level: 'critical' as const },
      ...(c.warning === undefined
        ? []
        : [{ y: c.warning, label: `warning ${c.warning}`, level: 'warning' as const }]),
    ];
  if (kind === 'absence') return [{ y: 0, label: 'fires at 0 matched', level: 'critical' }];
  if (kind !== 'slo') return [];
  const d = res.points.find((p) => typeof p.details?.pageBurnRate === 'number')?.details;
  if (!d) return [];
  const out: PreviewGuide[] = [
    { y: d.pageBurnRate!, label: `page: 1h and 5m burn > ${d.pageBurnRate}`, level: 'critical' },
  ];
  if (typeof d.ticketBurnRate === 'number')
    out.push({
      y: d.ticketBurnRate,
      label: `ticket: 6h and 30m burn > ${d.ticketBurnRate}`,
      level: 'warning',
    });
  return out;
}

/**
 * What the preview replays of a rule body: the fields that decide where it fires. A name,
 * labels, annotations, channels and `enabled` do not, so typing them asks nothing again.
 */
export function replayBody(body: Record<string, unknown>): Record<string, unknown> {
  const { name: _n, labels: _l, annotations: _a, channels: _c, enabled: _e, ...rest } = body;
  return rest;
}

/** The preview's verdict in one sentence. */
export function previewSummary(res: AlertPreviewResponse): string {
  const n = res.firing.length;
  if (n === 0) return 'Would not have fired in this range.';
  const warnings = res.firing.filter((f) => f.severity === 'warning').length;
  const warned = warnings === 0 ? '' : ` (${warnings} at warning only)`;
  return `Would have fired ${n} time${n > 1 ? 's' : ''} in this range${warned}.`;
}

/** Points a preview returns at most (collector `alerts/routes.ts`, MAX_PREVIEW_POINTS). */
const PREVIEW_POINTS = 500;
/** Points an anomaly preview may read, history included (`signals/seasonal.ts`). */
const HISTORY_GRID = 50_000;
/** An anomaly band's season and how many past seasons it reads (`signals/anomaly.ts`). */
const SEASONS: Record<string, { ms: number; depth: number }> = {
  daily: { ms: 86_400_000, depth: 14 },
  weekly: { ms: 604_800_000, depth: 8 },
};

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Every anomaly band a rule's signal draws (its own, or a composite's sides'). */
function anomaliesOf(signal: unknown): Array<Record<string, unknown>> {
  const s = (signal ?? {}) as Record<string, unknown>;
  if (s.kind === 'anomaly') return [s];
  if (s.kind === 'composite')
    return ((s.signals ?? []) as Array<{ signal: unknown }>).flatMap((x) => anomaliesOf(x.signal));
  return [];
}

/**
 * Why the collector's preview cannot replay `body` over a range of `rangeMs`, or undefined
 * when it can. An anomaly band reads its signal at every step of its whole history (14 days
 * or 8 weeks back) on a grid of the step's common divisor with the season, and the collector
 * refuses more than 50,000 points: it says so here instead of asking for a refusal.
 */
export function previewBlocker(
  body: Record<string, unknown>,
  rangeMs: number,
  intervalMs: number,
): string | undefined {
  const stepMs = Math.max(intervalMs, Math.ceil(rangeMs / PREVIEW_POINTS));
  const n = Math.floor(Math.max(0, rangeMs) / stepMs) + 1;
  for (const a of anomaliesOf(body.signal)) {
    const seasonality = a.seasonality === 'weekly' ? 'weekly' : 'daily';
    const season = SEASONS[seasonality]!;
    const step = n > 1 ? gcd(Math.round(stepMs), season.ms) : season.ms;
    const points = Math.round(((n - 1) * stepMs + season.depth * season.ms) / step) + 1;
    if (points > HISTORY_GRID)
      return `The preview cannot replay a ${seasonality} anomaly band at this range: it would read the signal at ${points.toLocaleString('en-US')} points of its history (at most ${HISTORY_GRID.toLocaleString('en-US')}). Pick a longer range, whose step is coarser, or a longer evaluation interval.`;
  }
  return undefined;
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
