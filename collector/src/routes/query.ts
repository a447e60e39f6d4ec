import { Hono } from 'hono';
import { z } from 'zod';
import type { Config } from '../config.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { requireInstanceAdmin } from '../middleware/project-scope.js';
import { parseProject } from '../query/params.js';
import { createSqlGate } from '../query/sql-gate.js';
import { queryLimitsFromConfig } from '../storage/db.js';
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

/**
 * `POST /api/v1/query` (instance admin only): one read-only statement through the SQL gate
 * (`query/sql-gate.ts`), answered as `{"rows": [...]}` whatever FORMAT the statement
 * names. `{project:String}` is bound for every query. When the request names a project
 * (`"project"` in the body, or `?project=`), the gate's project filter limits every table
 * with a project column to it, and tables without one are refused.
 */
export function queryRoutes(engine: Engine, config: Config) {
  const gate = createSqlGate(engine, {
    database: config.clickhouseDatabase,
    limits: queryLimitsFromConfig(config),
  });
  const app = new Hono<AppEnv>();
  app.post('/', async function runQuery(c) {
    requireInstanceAdmin(c);
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
    const named = parsed.data.project ?? c.req.query('project');
    const project = parseProject(named);
    const result = await gate.run(sql, {
      params: { project, ...params },
      format: 'JSONEachRow',
      ...(named ? { projectScope: { projectId: project } } : {}),
    });
    const rows = result.body
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown);
    return c.json({ rows });
  });
  return app;
}
