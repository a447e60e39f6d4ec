import { Hono } from 'hono';
import { z } from 'zod';
import type { Config } from '../config.js';
import { BadRequestError, ForbiddenError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { parseProject } from '../query/params.js';
import { checkReadOnlySql } from '../query/sql-guard.js';
import type { Engine } from '../storage/engine.js';

const Body = z.object({
  sql: z.string().min(1, 'sql is required').max(100_000, 'sql is longer than 100000 characters'),
  params: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'param names are identifiers'),
      z.unknown(),
    )
    .optional(),
  project: z.string().optional(),
});

const MAX_RESULT_ROWS = 100_000;

/**
 * `POST /api/v1/query` (admin): read-only SQL. `{project:String}` is bound for every
 * query, so `WHERE ProjectId = {project:String}` scopes to the requested project.
 */
export function queryRoutes(engine: Engine, config: Config) {
  const app = new Hono<AppEnv>();
  app.post('/', async function runQuery(c) {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new BadRequestError('body must be JSON: {"sql": "...", "params": {...}}');
    }
    const parsed = Body.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BadRequestError(issue.message, issue.path.join('.') || undefined);
    }
    const { sql, params = {} } = parsed.data;
    const refusal = checkReadOnlySql(sql);
    if (refusal?.kind === 'forbidden') throw new ForbiddenError(refusal.message);
    if (refusal) throw new BadRequestError(refusal.message, 'sql');
    // Limits go in the statement's own SETTINGS clause: it applies to this query only
    // (session-level SETs would stick to the embedded engine's single session), and
    // readonly = 1 comes last so the engine refuses writes and further setting changes.
    const statement =
      `${sql.trim().replace(/;+\s*$/, '')}\nSETTINGS max_execution_time = ${config.queryTimeoutSeconds}, ` +
      `max_result_rows = ${MAX_RESULT_ROWS}, result_overflow_mode = 'throw', readonly = 1`;
    try {
      const rs = await engine.client.query({
        query: statement,
        query_params: { project: parseProject(parsed.data.project), ...params },
        format: 'JSONEachRow',
      });
      return c.json({ rows: await rs.json() });
    } catch (err) {
      // Errors the engine raised about the statement (they carry a ClickHouse code) are
      // the caller's; anything else (engine down) goes to the error handler as is.
      if (!isEngineError(err)) throw err;
      const message = err.message;
      if (err.type === 'READONLY' || err.code === '164')
        throw new ForbiddenError(`refused by the engine: ${message}`);
      throw new BadRequestError(`query failed: ${message}`, 'sql', err);
    }
  });
  return app;
}

function isEngineError(err: unknown): err is Error & { code: string; type: string } {
  const e = err as { code?: unknown; type?: unknown };
  return err instanceof Error && typeof e.code === 'string' && typeof e.type === 'string';
}
