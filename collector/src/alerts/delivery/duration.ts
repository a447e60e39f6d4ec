import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of a duration as channels write it (`"0s"`, `"500ms"`, `"30s"`, `"5m"`, `"4h"`,
 * `"1d"`), or undefined when the text is not one.
 */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** A zod schema for a duration text up to `maxMs`, parsed to milliseconds. */
export function durationSchema(maxMs: number) {
  return z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined || ms > maxMs) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a duration such as "30s", "5m" or "4h" (at most ${maxMs / 3_600_000} h)`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

/** The shortest text for a number of milliseconds (`300000` → `"5m"`). */
export function formatDurationMs(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const)
    if (ms >= UNIT_MS[unit]! && ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`;
  return ms === 0 ? '0s' : `${ms}ms`;
}
