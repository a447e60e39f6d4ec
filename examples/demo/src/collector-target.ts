import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the demo sends telemetry and with which key. */
export interface CollectorTarget {
  /** OTLP/HTTP base URL. */
  endpoint: string;
  /** Ingest key, if one was found. */
  apiKey: string | undefined;
  /**
   * Admin token from `AIOBS_ADMIN_TOKEN` or credentials.json, if either has one: the demo uses
   * it to create its drift baseline and alert rules.
   */
  adminToken: string | undefined;
  /** Where the key came from, for the start-up line. */
  keySource: 'AIOBS_API_KEY' | 'credentials.json' | 'none';
  /** The collector's data dir (where the back-fill marker lives too). */
  dataDir: string;
}

/**
 * Finds the collector the way the README promises: `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * http://127.0.0.1:4318, and the ingest key from `AIOBS_API_KEY` or from
 * `<AIOBS_DATA_DIR or ./.aiobs-data>/credentials.json`, which the collector writes on first start.
 */
export function findCollector(env: NodeJS.ProcessEnv, cwd: string): CollectorTarget {
  const dataDir = resolve(cwd, env.AIOBS_DATA_DIR || '.aiobs-data');
  const endpoint = (env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://127.0.0.1:4318').replace(/\/+$/, '');
  let fileKey: string | undefined;
  let adminToken: string | undefined;
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) {
    try {
      const creds = JSON.parse(readFileSync(file, 'utf8')) as {
        apiKey?: unknown;
        adminToken?: unknown;
      };
      if (typeof creds.apiKey === 'string') fileKey = creds.apiKey;
      if (typeof creds.adminToken === 'string') adminToken = creds.adminToken;
    } catch {
      // unreadable credentials: fall through to "no key", which the start-up line reports
    }
  }
  if (env.AIOBS_ADMIN_TOKEN) adminToken = env.AIOBS_ADMIN_TOKEN;
  if (env.AIOBS_API_KEY) {
    return { endpoint, apiKey: env.AIOBS_API_KEY, adminToken, keySource: 'AIOBS_API_KEY', dataDir };
  }
  if (fileKey)
    return { endpoint, apiKey: fileKey, adminToken, keySource: 'credentials.json', dataDir };
  return { endpoint, apiKey: undefined, adminToken, keySource: 'none', dataDir };
}

/** Whether the collector answers its health route (no auth needed). */
export async function collectorIsUp(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
