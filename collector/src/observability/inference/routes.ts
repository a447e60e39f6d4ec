import { Hono } from 'hono';
import { type Grant, refusal } from '../../auth/access.js';
import type { Authenticator } from '../../auth/authenticator.js';
import { NotFoundError, UnauthorizedError } from '../../errors.js';
import { type AppEnv, requireAuth } from '../../middleware/auth.js';
import type { ReadBarrier } from '../../middleware/read-after-ack.js';
import { parseProject } from '../../query/params.js';
import { CONTENT_TYPES, formatExposition, negotiateFormat } from './exposition.js';
import { inferenceFamilies } from './families.js';
import { GPU_FRESH_MS, type InferenceMetricsRepo } from './repo.js';

const DAY_MS = 86_400_000;

/** What `/metrics/inference` needs. */
export interface InferenceMetricsRouteOptions {
  repo: InferenceMetricsRepo;
  authenticator: Authenticator;
  /** Grants of principals (the access cache), so personal tokens of members work too. */
  access: { grantOf(principal: AppEnv['Variables']['principal']): Promise<Grant | undefined> };
  now?: () => number;
  /** Waits until answered OTLP requests are stored, so a scrape right after a send counts them. */
  beforeRead?: ReadBarrier;
}

/**
 * `GET /metrics/inference`: one project's inference metrics for Prometheus. The project is
 * the read-only token's own (Bearer, or the password of HTTP Basic auth as Prometheus's
 * `basic_auth` sends it); the admin token (or a member's personal token) names it with
 * `?project=` (default `default`). Ingest keys get 401, a project the caller may not read
 * 404. Counters count since 00:00 UTC of the current day (docs/prometheus.md says why).
 */
export function inferenceMetricsRoutes({
  repo,
  authenticator,
  access,
  now = Date.now,
  beforeRead,
}: InferenceMetricsRouteOptions) {
  const app = new Hono<AppEnv>();
  app.use('*', requireAuth(authenticator, 'api'));
  app.get('/', async function scrapeInference(c) {
    const principal = c.get('principal');
    const grant = await access.grantOf(principal);
    if (!grant) throw new UnauthorizedError('this user is disabled or no longer exists');
    const named = c.req.query('project');
    const project =
      named !== undefined && named !== ''
        ? parseProject(named)
        : principal.kind === 'read'
          ? principal.projectId
          : 'default';
    if (refusal(grant, project, 'viewer', 'GET'))
      throw new NotFoundError(`no project "${project}" that these credentials may read`);
    await beforeRead?.();
    const at = now();
    const sinceMs = Math.floor(at / DAY_MS) * DAY_MS;
    const [totals, gpus] = await Promise.all([
      repo.totals(project, sinceMs),
      repo.gpuUtilization(project, at - GPU_FRESH_MS),
    ]);
    const format = negotiateFormat(c.req.header('accept'));
    const text = formatExposition(
      inferenceFamilies(totals, gpus, { project, createdSec: sinceMs / 1000 }),
      format,
    );
    return c.body(text, 200, {
      'content-type': CONTENT_TYPES[format],
      'cache-control': 'no-store',
    });
  });
  return app;
}
