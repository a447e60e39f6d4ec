/**
 * Time ranges as they appear in the URL: relative (`now-1h`, `now`) or absolute (ISO 8601).
 * Pure: `now` is passed in so the same URL resolves the same way in tests.
 */

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

/** A label for the picker button: the preset's name or the absolute bounds. */
export function describeRange(from: string, to: string): string {
  if (to === 'now') {
    const preset = PRESETS.find((p) => p.from === from);
    if (preset) return preset.label;
    const m = /^now-(\d+)([smhdw])$/.exec(from);
    if (m) return `Last ${m[1]}${m[2]}`;
  }
  return `${from} → ${to}`;
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
