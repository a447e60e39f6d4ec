import { DEMO_BASELINE_NAME, DEMO_RULES } from './demo-rules.js';
import { FRAUD_MODEL } from './service.js';

/** Calls the collector's API as the admin; throws with the API's own message on a non-2xx. */
export type AdminApi = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** An {@link AdminApi} for `endpoint` with the instance admin token. */
export function createAdminApi(endpoint: string, adminToken: string): AdminApi {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${endpoint}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: the text itself says it
      }
      throw new Error(`${method} ${path}: ${res.status} ${message}`);
    }
    return JSON.parse(text) as T;
  };
}

/** Runs `fn`, printing a failure instead of throwing: the demo's traffic matters more. */
async function attempt(what: string, say: (l: string) => void, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (err) {
    say(`  ${what} skipped: ${(err as Error).message}`);
  }
}

/**
 * Creates the demo's alert rules (demo-rules.ts) that the project does not have yet, looked
 * up by name, so running the demo again creates nothing twice. Prints a line per rule; never
 * throws.
 */
export async function ensureDemoRules(api: AdminApi, say: (l: string) => void): Promise<void> {
  await attempt('alert rules', say, async () => {
    const { rules } = await api<{ rules: { name: string }[] }>('GET', '/alert-rules');
    const have = new Set(rules.map((r) => r.name));
    for (const rule of DEMO_RULES) {
      if (have.has(rule.name)) {
        say(`  alert rule "${rule.name}" is already there`);
        continue;
      }
      await api('POST', '/alert-rules', rule);
      say(`  created alert rule "${rule.name}" (no notification channel)`);
    }
  });
}

/**
 * Creates, once (looked up by name), the fraud model's default drift baseline from `range`, a
 * back-filled period before the drift; without a range it says why there is none. Never throws.
 */
export async function ensureDemoBaseline(
  api: AdminApi,
  range: { fromMs: number; toMs: number } | undefined,
  say: (l: string) => void,
): Promise<void> {
  await attempt('drift baseline', say, async () => {
    const { baselines } = await api<{ baselines: { name: string; model: string }[] }>(
      'GET',
      '/drift/baselines',
    );
    if (baselines.some((b) => b.name === DEMO_BASELINE_NAME && b.model === FRAUD_MODEL)) {
      say(`  drift baseline "${DEMO_BASELINE_NAME}" is already there`);
      return;
    }
    if (!range) {
      say('  drift baseline not created: no back-filled history to take it from (--backfill)');
      return;
    }
    const b = await api<{ features: { count: number }[] }>('POST', '/drift/baselines', {
      name: DEMO_BASELINE_NAME,
      model: FRAUD_MODEL,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      default: true,
    });
    const counts = b.features.map((f) => f.count);
    say(
      `  created drift baseline "${DEMO_BASELINE_NAME}": the default for ${FRAUD_MODEL}, ` +
        `${b.features.length} features and outputs, ${Math.min(...counts)}–${Math.max(...counts)} ` +
        'values each from the back-filled history',
    );
  });
}
