import { Hono } from 'hono';
import type { AuditEntry as AuditEntryView, AuditResponse } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { decodeCursor, encodeCursor, MAX_TIME_MS, parseLimit, parseTime } from '../query/params.js';
import type { AuthRepo } from '../storage/auth-repo.js';
import type { AuditEntry, AuditRepo } from './audit-repo.js';
import { projectIn } from './scope-routes.js';

/** An entry as the API shows it; `details` stays JSON text, as stored. */
function view(e: AuditEntry): AuditEntryView {
  return {
    at: new Date(e.atMs).toISOString(),
    actor: e.actor,
    action: e.action,
    target: e.target,
    details: e.details,
  };
}

/**
 * `GET /api/v1/projects/:id/audit?from&to&limit&cursor` (owners): the project's audit log,
 * newest first, paged by an opaque cursor. `from`/`to` are optional and inclusive.
 */
export function auditRoutes(deps: { repo: AuthRepo; audit: Pick<AuditRepo, 'list'> }) {
  const app = new Hono<AppEnv>();

  app.get('/', async function listAudit(c) {
    const project = await projectIn(c, deps.repo, 'owner');
    const q = c.req.query();
    const fromMs = q.from !== undefined ? parseTime(q.from, 'from') : undefined;
    const toMs = q.to !== undefined ? parseTime(q.to, 'to') : undefined;
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs)
      throw new BadRequestError('from must not be after to', 'from');
    const limit = parseLimit(q.limit, 100, 1000);
    const key = decodeCursor(q.cursor, ['number', 'number']) as [number, number] | undefined;
    const [atMs, skip] = key ?? [0, 0];
    if (!(Number.isInteger(atMs) && atMs >= 0 && atMs <= MAX_TIME_MS && Number.isInteger(skip)))
      throw new BadRequestError('cursor is not one this API returned', 'cursor');
    if (skip < 0 || skip > 0xffff_ffff)
      throw new BadRequestError('cursor is not one this API returned', 'cursor');
    const page = await deps.audit.list(project.id, {
      fromMs,
      toMs,
      limit,
      cursor: key && { atMs, skip },
    });
    const out: AuditResponse = {
      entries: page.entries.map(view),
      nextCursor: page.next ? encodeCursor([page.next.atMs, page.next.skip]) : null,
    };
    return c.json(out);
  });

  return app;
}
