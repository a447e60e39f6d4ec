import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackfillResult } from './backfill.js';

/** Marks a data dir whose collector already holds the demo's history. */
const MARKER = 'demo-backfill.json';

/** Whether this data dir still needs its history (first run), per the marker file. */
export function needsBackfill(mode: 'auto' | 'force' | 'off', dataDir: string): boolean {
  if (mode === 'off') return false;
  if (mode === 'force') return true;
  return !existsSync(join(dataDir, MARKER));
}

/** What the marker records: the counts and the back-filled range (ms since epoch). */
export type BackfillInfo = BackfillResult & { hours: number; fromMs: number; toMs: number };

/** Writes the marker so the next run does not back-fill again. */
export function markBackfilled(dataDir: string, info: BackfillInfo): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, MARKER),
    `${JSON.stringify({ at: new Date().toISOString(), ...info }, null, 2)}\n`,
  );
}

/** Reads the marker (for the start-up line and the drift baseline's range). */
export function readMarker(dataDir: string): ({ at?: string } & Partial<BackfillInfo>) | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, MARKER), 'utf8')) as {
      at?: string;
    } & Partial<BackfillInfo>;
  } catch {
    return undefined;
  }
}

/**
 * The back-filled period a marker records (before the demo's live drift); for markers of
 * older demos, which kept only when and how many hours, the hours up to that time.
 */
export function backfilledRange(
  marker: ReturnType<typeof readMarker>,
): { fromMs: number; toMs: number } | undefined {
  if (marker?.fromMs !== undefined && marker.toMs !== undefined)
    return { fromMs: marker.fromMs, toMs: marker.toMs };
  const at = marker?.at === undefined ? Number.NaN : Date.parse(marker.at);
  if (!Number.isFinite(at) || !(Number(marker?.hours) > 0)) return undefined;
  return { fromMs: at - Number(marker?.hours) * 3_600_000, toMs: at };
}
