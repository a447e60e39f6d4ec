/** Display formatting for figures from the API (null shows as an em dash). */

const DASH = '—';

/** Milliseconds: `412 ms`, `1.24 s`. */
export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (Math.abs(v) >= 1000) return `${(v / 1000).toFixed(2)} s`;
  // 0 as an axis's bottom tick reads "0 ms", not "0.0 ms".
  return `${v === 0 ? 0 : v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

/** A ratio 0–1 as a percentage: `12.5%`. */
export function formatPercent(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const p = v * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(1) : p.toFixed(2)}%`;
}

/** USD: `$0.0123`, `$12.40`. */
export function formatUsd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (v !== 0 && Math.abs(v) < 1) return `$${v.toFixed(4)}`;
  return `$${v.toFixed(2)}`;
}

/** A count or rate with a k/M suffix: `1.2k`, `96`. */
export function formatNumber(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(digits)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(digits)}k`;
  if (Number.isInteger(v)) return String(v);
  // Small rates (0.025 req/s) keep two significant digits instead of rounding to 0.03.
  if (a < 1) return String(Number(v.toPrecision(2)));
  return v.toFixed(a < 10 ? 2 : 1);
}

/** Month names as the axes and range labels write them. */
export const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
/** Two digits: `7` → `07`. */
export const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * A time axis tick in UTC: `14:05` within a day, `Dec 2 14:05` beyond. Built from the UTC
 * fields, not `toLocaleTimeString`: recharts calls this for every candidate tick of every
 * axis on every render, and each locale call builds an `Intl.DateTimeFormat` (it was the
 * largest self time of a cold Overview load, 0.57 s of 5.8 s).
 */
export function formatTick(ms: number, spanMs: number): string {
  const d = new Date(ms);
  const hm = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  if (spanMs <= 86_400_000) return hm;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${hm}`;
}

/** A chart tooltip's time, to the second and saying its zone: `2026-12-02 14:05:09 UTC`. */
export function formatTooltipTime(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** Bytes in binary units: `1.5 GiB`, `512 MiB`. */
export function formatBytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = Math.abs(v);
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${v < 0 ? '-' : ''}${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}
