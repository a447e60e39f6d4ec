/**
 * Time ranges as they appear in the URL: relative (`now-1h`, `now`) or absolute (ISO 8601).
 * Pure: `now` is passed in so the same URL resolves the same way in tests.
 */

import { MONTHS, pad2 } from './format.js';

/** The default range of every page. */
export const DEFAULT_FROM = 'now-1h';
export const DEFAULT_TO = 'now';

/** Presets offered by the time picker. */
export const PRESETS: ReadonlyArray<{ label: string; from: string }> = [
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last hour', from: 'now-1h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 7 days', from: 'now-7d' },
];

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * The instant `expr` names at `now` (ms since the epoch), or undefined when it is neither
 * `now`, `now-<n><s|m|h|d|w>` nor a parseable ISO date.
 *
 * @example
 * resolveTime('now-1h', Date.parse('2026-12-02T01:00:00Z')) // Date.parse('2026-12-02T00:00:00Z')
 */
export function resolveTime(expr: string, now: number): number | undefined {
  const s = expr.trim();
  if (s === 'now') return now;
  const m = /^now-(\d+)([smhdw])$/.exec(s);
  if (m) return now - Number(m[1]) * UNIT_MS[m[2]!]!;
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** A range resolved to instants, with the ISO strings the API takes. */
export interface ResolvedRange {
  fromMs: number;
  toMs: number;
  from: string;
  to: string;
}

/**
 * Resolves a URL range; invalid or inverted input falls back to the default (the last hour)
 * rather than failing the page.
 */
export function resolveRange(from: string, to: string, now: number): ResolvedRange {
  let f = resolveTime(from, now);
  let t = resolveTime(to, now);
  if (f === undefined || t === undefined || f >= t) {
    t = now;
    f = now - UNIT_MS.h!;
  }
  return { fromMs: f, toMs: t, from: new Date(f).toISOString(), to: new Date(t).toISOString() };
}

/** Whether the range moves with the clock (auto-refresh makes sense). */
export function isRelative(to: string): boolean {
  return to.trim().startsWith('now');
}

/** Options of the range labels: the zone to show times in (default: the viewer's) and now. */
export interface RangeLabelOptions {
  /**
   * An IANA zone (`Europe/Paris`, `UTC`), named as `Intl` names it (`GMT+1`); default the
   * browser's own, named by its offset (`UTC+1`, see {@link zoneName}).
   */
  timeZone?: string;
  /** For the year: it shows only when a bound is not in this year (default `Date.now()`). */
  nowMs?: number;
}

/** One formatter per named zone: building an `Intl.DateTimeFormat` costs 20-45 ms. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A zone's name from its offset east of UTC in minutes: `UTC`, `UTC+1`, `UTC−5`, `UTC+5:30`.
 *
 * @example
 * zoneName(-300) // 'UTC−5'
 */
export function zoneName(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const a = Math.abs(offsetMinutes);
  const m = a % 60;
  return `UTC${offsetMinutes > 0 ? '+' : '\u2212'}${Math.floor(a / 60)}${m ? `:${pad2(m)}` : ''}`;
}

/**
 * The calendar parts of `ms` in `timeZone`, 24-hour, with the zone's short name. In the
 * viewer's own zone (no `timeZone`) from the Date's local fields and offset: the picker
 * writes its label on the first render of every page, and the first `Intl.DateTimeFormat`
 * of a page costs 20-45 ms of a cold load (its locale data).
 */
function parts(ms: number, timeZone: string | undefined) {
  if (timeZone === undefined) {
    const d = new Date(ms);
    return {
      day: `${MONTHS[d.getMonth()]} ${d.getDate()}`,
      year: String(d.getFullYear()),
      time: `${pad2(d.getHours())}:${pad2(d.getMinutes())}`,
      second: pad2(d.getSeconds()),
      zone: zoneName(-d.getTimezoneOffset()),
    };
  }
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, fmt);
  }
  const p: Record<string, string> = {};
  for (const { type, value } of fmt.formatToParts(ms)) p[type] = value;
  return {
    day: `${p.month} ${p.day}`,
    year: p.year!,
    time: `${p.hour}:${p.minute}`,
    second: p.second!,
    zone: p.timeZoneName!,
  };
}

/**
 * An absolute range as people read it, in the viewer's zone: `Dec 2, 07:00 – 09:00 UTC`. The
 * day shows again only when the range crosses midnight (`Dec 2, 23:00 – Dec 3, 01:00 UTC`),
 * the year only when a bound is not in the current year, seconds only when a bound has them
 * (a drag-to-zoom range), the zone once at the end (chart axes are in UTC, so it matters).
 *
 * @example
 * formatRange(Date.parse('2026-12-02T07:00:00Z'), Date.parse('2026-12-02T09:00:00Z'), { timeZone: 'UTC' })
 * // 'Dec 2, 07:00 – 09:00 UTC'
 */
export function formatRange(fromMs: number, toMs: number, opts: RangeLabelOptions = {}): string {
  const f = parts(fromMs, opts.timeZone);
  const t = parts(toMs, opts.timeZone);
  const thisYear = parts(opts.nowMs ?? Date.now(), opts.timeZone).year;
  const withYear = f.year !== thisYear || t.year !== thisYear;
  const withSeconds = f.second !== '00' || t.second !== '00';
  const time = (x: typeof f) => (withSeconds ? `${x.time}:${x.second}` : x.time);
  const date = (x: typeof f) => (withYear ? `${x.day}, ${x.year}` : x.day);
  const sameDay = f.day === t.day && f.year === t.year;
  const end = sameDay ? time(t) : `${date(t)}, ${time(t)}`;
  const start = `${date(f)}, ${time(f)}`;
  // A zone with daylight saving can change its name inside the range (CET → CEST): name both.
  if (f.zone !== t.zone) return `${start} ${f.zone} – ${end} ${t.zone}`;
  return `${start} – ${end} ${t.zone}`;
}

/**
 * A label for the picker button: the preset's name (`Last hour`), `Last 3h`, or the bounds
 * as {@link formatRange} writes them; a relative bound beside an absolute one stays as typed
 * (`Dec 2, 07:00 UTC – now`).
 */
export function describeRange(from: string, to: string, opts: RangeLabelOptions = {}): string {
  if (to === 'now') {
    const preset = PRESETS.find((p) => p.from === from);
    if (preset) return preset.label;
    const m = /^now-(\d+)([smhdw])$/.exec(from);
    if (m) return `Last ${m[1]}${m[2]}`;
  }
  const f = absoluteTime(from);
  const t = absoluteTime(to);
  if (f !== undefined && t !== undefined) return formatRange(f, t, opts);
  const side = (expr: string, ms: number | undefined) => {
    if (ms === undefined) return expr.trim();
    const p = parts(ms, opts.timeZone);
    return `${p.day}, ${p.second === '00' ? p.time : `${p.time}:${p.second}`} ${p.zone}`;
  };
  return `${side(from, f)} – ${side(to, t)}`;
}

/**
 * The exact bounds behind {@link describeRange}'s label, for its `title`: absolute bounds as
 * ISO 8601 UTC, relative ones as typed (`2026-12-02T07:00:00.000Z – now`).
 */
export function rangeTitle(from: string, to: string): string {
  const side = (expr: string) => {
    const ms = absoluteTime(expr);
    return ms === undefined ? expr.trim() : new Date(ms).toISOString();
  };
  return `${side(from)} – ${side(to)}`;
}

/** The instant of an absolute (ISO) bound; undefined for `now…` and unreadable text. */
function absoluteTime(expr: string): number | undefined {
  return expr.trim().startsWith('now') ? undefined : resolveTime(expr, 0);
}

/** A series step (`1m`, `5m`, …) giving about `points` buckets over the range. */
export function stepFor(fromMs: number, toMs: number, points = 60): string {
  const steps: Array<[string, number]> = [
    ['1m', 60_000],
    ['5m', 300_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['6h', 21_600_000],
    ['1d', 86_400_000],
  ];
  const want = (toMs - fromMs) / points;
  for (const [label, ms] of steps) if (ms >= want) return label;
  return '1d';
}
