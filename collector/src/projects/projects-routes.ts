import { Hono } from 'hono';
import { z } from 'zod';
import type { ProjectInfo, ProjectsResponse } from '../api/types.js';
import type { Grant } from '../auth/access.js';
import type { AccessCache } from '../auth/access-cache.js';
import type { Authenticator } from '../auth/authenticator.js';
import { ForbiddenError } from '../errors.js';
import { setAuditTarget } from '../middleware/audit.js';
import type { AppEnv } from '../middleware/auth.js';
import { grantOf } from '../middleware/project-scope.js';
import { createAuthRepo, type ProjectRecord } from '../storage/auth-repo.js';
import type { Engine } from '../storage/engine.js';
import type { AuditRepo } from './audit-repo.js';
import { auditRoutes } from './audit-routes.js';
import { readBody } from './body.js';
import { keysRoutes } from './keys-routes.js';
import { createMembersRepo } from './members-repo.js';
import { membersRoutes } from './members-routes.js';
import { conflict, PROJECT_ID, projectIn } from './scope-routes.js';
import { createUsersRepo } from './users-repo.js';

const SHAPE = '{"id", "name"?}';
const CreateProject = z.strictObject({
  id: z.string().regex(PROJECT_ID, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  name: z.string().trim().min(1).max(200).optional(),
});

/** What {@link projectsRoutes} needs. */
export interface ProjectsRoutesDeps {
  engine: Engine;
  /** Membership changes made here take effect at once in this process. */
  access: Pick<AccessCache, 'invalidate'>;
  audit: Pick<AuditRepo, 'list'>;
  /**
   * When given, a revoked or rotated key stops (or gets its expiry) at once in this process;
   * other collectors follow within their key cache's TTL (10 s) either way.
   */
  authenticator?: Pick<Authenticator, 'invalidate'>;
}

/** A project with the caller's role in it (none for an instance admin who is not a member). */
function view(p: ProjectRecord, grant?: Grant): ProjectInfo {
  const role = grant?.roles.get(p.id);
  return {
    id: p.id,
    name: p.name,
    createdAt: new Date(p.createdAt).toISOString(),
    ...(role ? { role } : {}),
  };
}

/**
 * `/api/v1/projects` (docs/api.md "Projects, users and tokens"): create and list projects,
 * and per project its keys, members and audit log. `projectScope` leaves these routes alone
 * ("selfScoped"): each handler checks the caller's role in the path's project itself
 * ({@link projectIn}): viewer to read the project, owner for keys, members and the audit log.
 *
 * @example
 * api.route('/projects', projectsRoutes({ engine, access, audit, authenticator }));
 */
export function projectsRoutes(deps: ProjectsRoutesDeps) {
  const repo = createAuthRepo(deps.engine);
  const members = createMembersRepo(deps.engine);
  const users = createUsersRepo(deps.engine);
  const app = new Hono<AppEnv>();

  app.post('/', async function createProject(c) {
    const principal = c.get('principal');
    const grant = grantOf(c);
    // Any signed-in user may start a project (and owns it); tokens of one project may not.
    if (grant.readOnly || (!grant.instanceAdmin && principal.kind !== 'user'))
      throw new ForbiddenError('only a user or the instance admin may create projects');
    const body = await readBody(c, CreateProject, SHAPE);
    if (await repo.getProject(body.id)) throw conflict(`project "${body.id}" already exists`, 'id');
    await repo.insertProject(body.id, body.name ?? body.id);
    if (principal.userId) {
      await members.upsert(body.id, principal.userId, 'owner');
      deps.access.invalidate(principal.userId);
    }
    // The creation is the new project's first audit entry, visible to its owners.
    c.set('project', body.id);
    setAuditTarget(c, body.id);
    const stored = await repo.getProject(body.id);
    const created = stored ?? { id: body.id, name: body.name ?? body.id, createdAt: Date.now() };
    return c.json(view(created), 201);
  });

  app.get('/', async function listProjects(c) {
    const grant = grantOf(c);
    const all = await repo.listProjects();
    const visible = grant.instanceAdmin ? all : all.filter((p) => grant.roles.has(p.id));
    const out: ProjectsResponse = { projects: visible.map((p) => view(p, grant)) };
    return c.json(out);
  });

  app.get('/:id', async function getProject(c) {
    const project = await projectIn(c, repo, 'viewer');
    return c.json(view(project, grantOf(c)));
  });

  app.route('/:id/keys', keysRoutes({ repo, authenticator: deps.authenticator }));
  app.route('/:id/members', membersRoutes({ repo, members, users, access: deps.access }));
  app.route('/:id/audit', auditRoutes({ repo, audit: deps.audit }));
  return app;
}
