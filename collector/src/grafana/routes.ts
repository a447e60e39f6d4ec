import { randomUUID } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type Grant, refusal } from '../auth/access.js';
import { type Authenticator, credentialFrom } from '../auth/authenticator.js';
import { clientAddress } from '../auth/client-address.js';
import type { Principal } from '../auth/principal.js';
import type { Logger } from '../logger.js';
import type { ReadBarrier } from '../middleware/read-after-ack.js';
import { ALLOWED_FORMATS } from '../query/sql-gate/lists.js';
import { createSqlGate } from '../query/sql-gate.js';
import {
  type AnswerContext,
  type ClickHouseHttpAnswer,
  ClickHouseHttpError,
  errorAnswer,
  parseClickHouseRequest,
  pingAnswer,
  resultAnswer,
} from '../storage/clickhouse-http/index.js';
import type { QueryLimits } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { clickHouseFailure } from './errors.js';
import { bindParams } from './params.js';

/** What the endpoint needs. */
export interface ClickHouseEndpointOptions {
  engine: Engine;
  limits: QueryLimits;
  authenticator: Authenticator;
  /** Grants of principals (the access cache). */
  access: { grantOf(principal: Principal): Promise<Grant | undefined> };
  log: Logger;
  /** Waits until answered OTLP requests are stored, so a query right after a send sees them. */
  beforeRead?: ReadBarrier;
}

interface Env {
  Variables: { answer?: AnswerContext };
}

/** Largest request body (the query, or its multipart form). */
const MAX_BODY = 1024 * 1024;

/** The format a statement names itself with a trailing `FORMAT X` (then it wins over `default_format`). */
const OWN_FORMAT = /\bFORMAT\s+([A-Za-z][A-Za-z0-9]*)\s*;?\s*$/i;

/**
 * A read-only slice of the ClickHouse HTTP interface, mounted at `/clickhouse`, for the
 * Grafana ClickHouse data source (protocol HTTP, path `/clickhouse`) and `@clickhouse/client`.
 * Every statement goes through the SQL gate (one read-only statement, the engine's parser
 * decides) and runs with the engine's project filter: a read-only token (the password of
 * Basic auth, `X-ClickHouse-Key`, or Bearer) sees its own project's rows only; the admin
 * token or a member's personal token names the project with `?project=` (default
 * `default`). Settings sent as URL parameters are ignored: the collector's query limits
 * apply. Errors are ClickHouse exceptions (`Code: N. DB::Exception: …`) with their status.
 */
export function clickHouseRoutes(opts: ClickHouseEndpointOptions) {
  const gate = createSqlGate(opts.engine, { database: opts.engine.database, limits: opts.limits });
  let timezone: Promise<string> | undefined;
  const serverTimezone = () => {
    timezone ??= opts.engine.client
      .query({ query: 'SELECT timezone() AS tz', format: 'JSONEachRow' })
      .then((r) => r.json<{ tz: string }>())
      .then((rows) => rows[0]?.tz ?? 'UTC')
      .catch(() => {
        timezone = undefined;
        return 'UTC';
      });
    return timezone;
  };

  const app = new Hono<Env>();
  app.get('/ping', (c) => send(c, pingAnswer()));
  app.use('*', bodyLimit({ maxSize: MAX_BODY }));
  app.on(['GET', 'POST'], ['/', '/*'], async function clickHouseQuery(c) {
    const url = new URL(c.req.url);
    const answer: AnswerContext = {
      queryId: url.searchParams.get('query_id') || randomUUID(),
      timezone: await serverTimezone(),
    };
    c.set('answer', answer);
    // `GET /` without a query is the server's liveness answer too.
    if (c.req.method === 'GET' && !url.searchParams.has('query')) return send(c, pingAnswer());
    const project = url.searchParams.get('project');
    url.searchParams.delete('project');
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    const req = parseClickHouseRequest({
      method: c.req.method,
      url,
      headers,
      body: new Uint8Array(await c.req.arrayBuffer()),
    });
    Object.assign(answer, {
      coding: req.responseCoding,
      compressionLevel: req.compressionLevel,
    } satisfies Partial<AnswerContext>);
    const principal = await authenticate(c, req.password, opts.authenticator);
    const projectId = await projectFor(principal, project, opts.access);
    if (req.database !== undefined && req.database !== opts.engine.database)
      throw new ClickHouseHttpError(
        'UNKNOWN_DATABASE',
        `Database ${req.database} does not exist; this endpoint serves ${opts.engine.database}`,
      );
    await opts.beforeRead?.();
    const own = OWN_FORMAT.exec(req.query)?.[1];
    const format = own ? undefined : (req.defaultFormat ?? 'TabSeparated');
    if (format !== undefined && !ALLOWED_FORMATS.has(format))
      throw new ClickHouseHttpError(
        'UNKNOWN_FORMAT',
        `Format ${format} is not served here; use one of ${[...ALLOWED_FORMATS].join(', ')}`,
      );
    const result = await gate.run(req.query, {
      params: bindParams(req.query, req.params),
      format,
      projectScope: { projectId },
    });
    return send(c, resultAnswer(result.body, result.format, {}, answer));
  });

  app.onError(function clickHouseError(err, c) {
    const failure = clickHouseFailure(err);
    let { error } = failure;
    if (failure.status >= 500 && error.code === 1001) {
      opts.log.error({ err, path: c.req.path }, 'clickhouse endpoint failed');
      error = new ClickHouseHttpError(1001, 'internal error', 'STD_EXCEPTION');
    }
    const ctx = c.get('answer') ?? { queryId: randomUUID() };
    const out = errorAnswer(error, ctx);
    const headers = { ...out.headers };
    if (failure.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(failure.retryAfterSeconds);
    return send(c, { ...out, status: failure.status, headers });
  });
  return app;
}

function send(c: Context, answer: ClickHouseHttpAnswer): Response {
  return c.body(answer.body as never, answer.status as never, answer.headers);
}

/** The principal of the request's credential: 401 without one, 403 for a wrong one. */
async function authenticate(
  c: Context,
  password: string,
  authenticator: Authenticator,
): Promise<Principal> {
  const token = password || credentialFrom(c.req.raw.headers);
  if (!token)
    throw new ClickHouseHttpError(
      'REQUIRED_PASSWORD',
      'send a read-only token as the password (HTTP Basic auth or X-ClickHouse-Key)',
    );
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  const address = clientAddress(peer, c.req.header('x-forwarded-for'), authenticator.trustProxy);
  const principal = await authenticator.authenticate(token, { address });
  if (!principal)
    throw new ClickHouseHttpError('AUTHENTICATION_FAILED', 'invalid credentials for this endpoint');
  if (principal.kind === 'ingest')
    throw new ClickHouseHttpError(
      'AUTHENTICATION_FAILED',
      'ingest keys can only write telemetry; use a read-only token',
    );
  return principal;
}

/** The project the request reads: the read token's own, else `?project=` (default `default`). */
async function projectFor(
  principal: Principal,
  named: string | null,
  access: ClickHouseEndpointOptions['access'],
): Promise<string> {
  const grant = await access.grantOf(principal);
  if (!grant)
    throw new ClickHouseHttpError(
      'AUTHENTICATION_FAILED',
      'this user is disabled or no longer exists',
    );
  const project = named || (principal.kind === 'read' ? principal.projectId : 'default');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(project) || refusal(grant, project, 'viewer', 'GET'))
    throw new ClickHouseHttpError(
      'UNKNOWN_DATABASE',
      `no project "${project}" that these credentials may read`,
    );
  return project;
}
