import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type AlertsModule, createAlertsModule } from './alerts/index.js';
import { AccessCache } from './auth/access-cache.js';
import type { Authenticator } from './auth/authenticator.js';
import type { Config } from './config.js';
import { createDriftModule } from './drift/index.js';
import { AppError, OverloadError } from './errors.js';
import { clickHouseRoutes } from './grafana/index.js';
import { isClientAbort } from './http-server.js';
import type { Ingestor } from './ingest/ingestor.js';
import type { Logger } from './logger.js';
import { auditWrites } from './middleware/audit.js';
import { type AppEnv, requireAuth } from './middleware/auth.js';
import { corsFor } from './middleware/cors.js';
import { projectScope } from './middleware/project-scope.js';
import { readAfterAck, readBarrier } from './middleware/read-after-ack.js';
import { securityHeaders } from './middleware/security-headers.js';
import { createModelsModule, createQualityWindowsRepo } from './models/index.js';
import {
  collectorHealthRoutes,
  countRequests,
  createCollectorMetrics,
  createEngineStatsReader,
  metricsRoutes,
} from './observability/index.js';
import {
  createInferenceMetricsRepo,
  inferenceMetricsRoutes,
} from './observability/inference/index.js';
import { OtlpDecodeError } from './otlp/errors.js';
import { encodeStatus, JSON_TYPE, PROTOBUF_TYPE } from './otlp/http.js';
import { createAuditRepo } from './projects/audit-repo.js';
import { createMembersRepo } from './projects/members-repo.js';
import { projectsRoutes } from './projects/projects-routes.js';
import { createUsersRepo } from './projects/users-repo.js';
import { usersRoutes } from './projects/users-routes.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { hostRoutes } from './routes/hosts.js';
import { logRoutes } from './routes/logs.js';
import { metricRoutes } from './routes/metrics.js';
import { otlpRoutes } from './routes/otlp.js';
import { queryRoutes } from './routes/query.js';
import { serviceRoutes } from './routes/services.js';
import { traceRoutes } from './routes/traces.js';
import { createDb, queryLimitsFromConfig } from './storage/db.js';
import type { Engine } from './storage/engine.js';
import { createHostsRepo } from './storage/hosts-repo.js';
import { createLogsRepo } from './storage/logs-repo.js';
import { createMetricsRepo } from './storage/metrics-repo.js';
import { createTracesRepo } from './storage/traces-repo.js';
import { storageUnavailable } from './storage/unavailable.js';

/** Everything the HTTP app needs, built once by `main.ts` (or a test). */
export interface AppDeps {
  config: Config;
  engine: Engine;
  ingestor: Ingestor;
  authenticator: Authenticator;
  log: Logger;
  /** Set while shutting down: responses then close their connections. */
  lifecycle?: { stopping: boolean };
  /** Alerting, built by the server so that it can start and stop it (else built here, idle). */
  alerts?: AlertsModule;
}

/** gRPC status codes for the OTLP error body (`google.rpc.Status.code`). */
function grpcCode(status: number): number {
  if (status === 400 || status === 413 || status === 415) return 3; // INVALID_ARGUMENT
  if (status === 401) return 16; // UNAUTHENTICATED
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 408) return 4; // DEADLINE_EXCEEDED
  if (status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503) return 14; // UNAVAILABLE
  return 13; // INTERNAL
}

/** Builds the collector's HTTP app: OTLP receiver, query API, dashboard. */
export function createApp(deps: AppDeps) {
  const { config, engine, ingestor, authenticator, log } = deps;
  const db = createDb(engine, queryLimitsFromConfig(config));
  const traces = createTracesRepo(db);
  const app = new Hono<AppEnv>();

  app.use('*', requestId());
  const alerts = deps.alerts ?? createAlertsModule({ engine, db, config, log });
  const metrics = createCollectorMetrics({
    ingestor,
    engineStats: createEngineStatsReader(engine),
    evaluator: alerts.evaluator,
  });
  app.use('*', countRequests(metrics));
  // Outermost after the request id, so error, 404 and preflight answers carry the headers too.
  app.use('*', securityHeaders({ tls: config.tlsCert !== undefined }));
  app.use('*', async function closeWhenStopping(c, next) {
    await next();
    // Keep-alive connections would otherwise hold the process open after the drain.
    if (deps.lifecycle?.stopping) c.header('Connection', 'close');
  });
  // Before authentication: a browser's preflight carries no credentials.
  if (config.corsOrigin) {
    app.use('/api/v1/*', corsFor(config.corsOrigin));
    app.use('/v1/*', corsFor(config.corsOrigin));
  }
  app.route('/v1', otlpRoutes({ config, ingestor, authenticator, log }));
  app.route('/api/v1/health', healthRoutes(engine, ingestor));
  const access = new AccessCache({
    users: createUsersRepo(engine),
    members: createMembersRepo(engine),
  });
  const tls = config.tlsCert !== undefined;
  const auth = authRoutes({ authenticator, tls, engine, config, access });
  app.route('/api/v1/auth', auth.routes);
  const api = new Hono<AppEnv>();
  api.use('*', requireAuth(authenticator, 'api', auth.sessions));
  // Reads see every request answered before them (--ack-after spool answers before the insert).
  const beforeRead = readBarrier(ingestor);
  api.use('*', readAfterAck(beforeRead));
  // Routes under these prefixes name their project in the path (or act instance-wide) and
  // check the caller's role themselves; every other route acts in the `?project=` checked here.
  api.use('*', projectScope(access, { selfScoped: ['/projects', '/users', '/query'] }));
  // Before every route mount (the drift routes too): each successful write is audited.
  const audit = createAuditRepo(engine);
  api.use('*', auditWrites(audit, { log }));
  // Before the 1 MiB body limit: baseline uploads take up to 50 MB (the module limits the rest).
  api.route(
    '/drift',
    createDriftModule({ engine, db, quality: createQualityWindowsRepo(db) }).drift,
  );
  api.use('*', bodyLimit({ maxSize: 1024 * 1024 }));
  api.route('/projects', projectsRoutes({ engine, access, audit, authenticator }));
  api.route('/users', usersRoutes({ engine, sessions: auth.sessions, access }));
  api.route('/services', serviceRoutes(traces));
  api.route('/traces', traceRoutes(traces));
  api.route('/logs', logRoutes(createLogsRepo(db)));
  api.route('/metrics', metricRoutes(createMetricsRepo(db)));
  const { hosts, gpus } = hostRoutes(createHostsRepo(db));
  api.route('/hosts', hosts);
  api.route('/gpus', gpus);
  api.route('/query', queryRoutes(engine, config));
  const models = createModelsModule({ engine, db, config });
  api.route('/models', models.models);
  api.route('/changes', models.changes);
  api.route('/prices', models.prices);
  api.route('/scaling', models.scaling);
  api.route(
    '/collectors',
    collectorHealthRoutes({ db, intervalMs: config.statsIntervalSeconds * 1000 }),
  );
  api.route('/alert-rules', alerts.rules);
  api.route('/alerts', alerts.alerts);
  api.route('/channels', alerts.channels);
  api.route('/silences', alerts.silences);
  api.route('/maintenance-windows', alerts.maintenance);
  app.route('/api/v1', api);
  // One project's inference metrics for Prometheus (read tokens). Before /metrics, whose
  // admin-only middleware would otherwise take /metrics/* too.
  app.route(
    '/metrics/inference',
    inferenceMetricsRoutes({
      repo: createInferenceMetricsRepo(db),
      authenticator,
      access,
      beforeRead,
    }),
  );
  // Before the dashboard's catch-all, which would answer GET /metrics with its index.html.
  app.route('/metrics', metricsRoutes({ metrics, authenticator, open: config.metricsPublic }));
  // Read-only ClickHouse HTTP interface for Grafana's ClickHouse data source (docs/grafana.md).
  app.route(
    '/clickhouse',
    clickHouseRoutes({
      engine,
      limits: queryLimitsFromConfig(config),
      authenticator,
      access,
      log,
      beforeRead,
    }),
  );
  mountDashboard(app, config);

  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );

  app.onError(function onError(thrown, c) {
    // Storage down or refusing work is a 503 with Retry-After on every route, never a 500
    // (a reset of the client's own connection is not: that is the 408 below).
    const incoming = (c.env as { incoming?: { destroyed?: boolean } })?.incoming;
    const err = isClientAbort(thrown, incoming) ? thrown : (storageUnavailable(thrown) ?? thrown);
    let status: ContentfulStatusCode = 500;
    let code = 'internal';
    let message = 'internal error';
    let field: string | undefined;
    let retryAfter: number | undefined;
    if (err instanceof AppError) {
      status = err.status as ContentfulStatusCode;
      code = err.code;
      message = err.message;
      field = err.options.field;
      retryAfter = err.options.retryAfterSeconds;
    } else if (err instanceof OtlpDecodeError) {
      status = 400;
      code = 'bad_request';
      message = err.message;
    } else if (isClientAbort(err, (c.env as { incoming?: { destroyed?: boolean } })?.incoming)) {
      // Node cut the body off (--request-timeout) or the client left: not a server fault,
      // and nobody reads this answer.
      status = 408;
      code = 'request_timeout';
      message = 'the request body did not arrive in full before the connection closed';
    } else if (err instanceof HTTPException) {
      status = err.status as ContentfulStatusCode;
      code = status === 413 ? 'payload_too_large' : 'bad_request';
      message = err.message || 'request refused';
    }
    const reqId = c.get('requestId');
    if (status >= 500 && !(err instanceof OverloadError))
      log.error({ err: err.cause ?? err, reqId, path: c.req.path }, message);
    else log.debug({ reqId, path: c.req.path, status, message }, 'request refused');
    if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
    if (c.req.path.startsWith('/v1/')) {
      // OTLP/HTTP: errors are a google.rpc.Status in the request's encoding.
      const isProto = (c.req.header('content-type') ?? '').toLowerCase().includes('protobuf');
      const body = encodeStatus(isProto ? 'protobuf' : 'json', grpcCode(status), message);
      return c.body(body as never, status, { 'content-type': isProto ? PROTOBUF_TYPE : JSON_TYPE });
    }
    return c.json({ error: { code, message, ...(field ? { field } : {}) } }, status);
  });
  return app;
}

/** Serves the built dashboard at `/`, with the SPA's index.html for client-side routes. */
function mountDashboard(app: Hono<AppEnv>, config: Config): void {
  // In the repository the dashboard workspace's build; in the npm package, the copy that
  // `npm pack` puts beside dist/ (collector/package.json prepack).
  const inRepo = join(import.meta.dirname, '..', '..', 'dashboard', 'dist');
  const packaged = join(import.meta.dirname, '..', 'dashboard');
  const dir = config.dashboardDir ?? (existsSync(inRepo) ? inRepo : packaged);
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    app.get('/', (c) =>
      c.html(
        '<!doctype html><title>aiobs</title><p>aiobs collector is running. The dashboard is not built: run <code>npm run build</code>.</p>',
      ),
    );
    return;
  }
  const html = readFileSync(index, 'utf8');
  // Vite names every asset by its content hash: a browser may keep it for good.
  app.use('/assets/*', async function cacheHashedAssets(c, next) {
    await next();
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  // The scripts are ~0.8 MB as built and ~0.25 MB gzipped (npm run bench -- dashboard).
  // The build writes .br and .gz copies (scripts/precompress.mjs): served as they are,
  // compressed once instead of on every cold load; anything without a copy is gzipped here.
  app.use('/*', compress());
  app.use('/*', serveStatic({ root: dir, precompressed: true }));
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/v1/')) return c.notFound();
    return c.html(html);
  });
}
