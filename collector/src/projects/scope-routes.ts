import type { Context } from 'hono';
import type { Role } from '../auth/principal.js';
import { AppError, BadRequestError, NotFoundError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { requireProjectRole } from '../middleware/project-scope.js';
import type { AuthRepo, ProjectRecord } from '../storage/auth-repo.js';

/** Project ids: what `?project=` accepts. */
export const PROJECT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** An id path parameter (key or user id) of a sane shape, else a 400 naming it. */
export function pathId(c: Context, name: string): string {
  const value = c.req.param(name) ?? '';
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(value))
    throw new BadRequestError(`${name} must be 1-128 letters, digits, "_" or "-"`, name);
  return value;
}

/**
 * The project named by the path's `:id`, once the caller holds `needed` in it (404 without
 * access, so another tenant's project does not exist for them; 403 below `needed`) and it
 * exists (the instance admin reaches any id, stored or not).
 */
export async function projectIn(
  c: Context<AppEnv>,
  repo: Pick<AuthRepo, 'getProject'>,
  needed: Role,
): Promise<ProjectRecord> {
  const id = c.req.param('id') ?? '';
  if (!PROJECT_ID.test(id))
    throw new BadRequestError('project id must be 1-64 letters, digits, ".", "_" or "-"', 'id');
  requireProjectRole(c, id, needed);
  const project = await repo.getProject(id);
  if (!project) throw new NotFoundError(`no project "${id}"`);
  return project;
}

/** 409: the request conflicts with what is stored (an id taken, the last owner). */
export function conflict(message: string, field?: string): AppError {
  return new AppError(409, 'conflict', message, { field });
}
