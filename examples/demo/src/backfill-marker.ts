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

/** Writes the marker so the next run does not back-fill again. */
export function markBackfilled(dataDir: string, info: BackfillResult & { hours: number }): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, MARKER),
    `${JSON.stringify({ at: new Date().toISOString(), ...info }, null, 2)}\n`,
  );
}

/** Reads the marker (for the start-up line). */
export function readMarker(dataDir: string): { at?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, MARKER), 'utf8')) as { at?: string };
  } catch {
    return undefined;
  }
}
