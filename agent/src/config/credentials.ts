import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The local collector's `<data-dir>/credentials.json` (written with mode 0600). */
export interface LocalCredentials {
  readonly project: string;
  readonly apiKey: string;
  readonly adminToken?: string;
}

/** Data dir as the collector resolves it: `--data-dir`, `AIOBS_DATA_DIR`, `./.aiobs-data`. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(flag ?? env.AIOBS_DATA_DIR ?? '.aiobs-data');
}

/**
 * Reads the ingest key that a collector on this host wrote for its local agent; `undefined`
 * when the file is missing or unreadable.
 */
export function readLocalCredentials(dataDir: string): LocalCredentials | undefined {
  try {
    const raw = JSON.parse(
      readFileSync(join(dataDir, 'credentials.json'), 'utf8'),
    ) as Partial<LocalCredentials>;
    if (typeof raw.apiKey !== 'string' || raw.apiKey === '') return undefined;
    return {
      project: typeof raw.project === 'string' ? raw.project : 'default',
      apiKey: raw.apiKey,
      ...(typeof raw.adminToken === 'string' ? { adminToken: raw.adminToken } : {}),
    };
  } catch {
    return undefined;
  }
}
