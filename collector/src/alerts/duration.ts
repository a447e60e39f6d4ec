import { z } from 'zod';

/**
 * Durations as rules write them (Prometheus style): one or more `<number><unit>` parts,
 * units `ms`, `s`, `m`, `h`, `d`, `w`, largest first (`"30s"`, `"5m"`, `"1h30m"`, `"7d"`).
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+)(ms|s|m|h|d|w)/g;
const WHOLE = /^(?:\d+(?:ms|s|m|h|d|w))+$/;

/** Longest duration a rule may name (a year): windows beyond it read no rollup. */
export const MAX_DURATION_MS = 366 * 86_400_000;

/** Milliseconds of a duration text, or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/** A duration text from `minMs` to {@link MAX_DURATION_MS}; the parsed value keeps the text. */
export function durationText(minMs: number) {
  return z.string().superRefine((text, ctx) => {
    const ms = durationMs(text);
    if (ms === undefined)
      ctx.addIssue({
        code: 'custom',
        message: `must be a duration like "30s", "5m", "1h" or "1h30m" (units ms, s, m, h, d, w), got "${text.slice(0, 40)}"`,
      });
    else if (ms < minMs)
      ctx.addIssue({ code: 'custom', message: `must be at least ${formatDuration(minMs)}` });
    else if (ms > MAX_DURATION_MS)
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${formatDuration(MAX_DURATION_MS)}`,
      });
  });
}

/** The shortest text for a duration (`90000` → `"1m30s"`), for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
