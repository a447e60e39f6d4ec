import { Hono } from 'hono';
import { z } from 'zod';
import type { ProjectMember, ProjectMembersResponse } from '../api/types.js';
import type { AccessCache } from '../auth/access-cache.js';
import { ROLES, type Role } from '../auth/principal.js';
import { AppError, NotFoundError } from '../errors.js';
import { setAuditTarget } from '../middleware/audit.js';
import type { AppEnv } from '../middleware/auth.js';
import type { AuthRepo } from '../storage/auth-repo.js';
import { readBody } from './body.js';
import type { Member, MembersRepo } from './members-repo.js';
import { conflict, pathId, projectIn } from './scope-routes.js';
import type { User, UsersRepo } from './users-repo.js';

const role = z.enum(ROLES as [Role, ...Role[]]);
const ADD_SHAPE = '{"email", "role"} or {"userId", "role"}; role "owner" | "editor" | "viewer"';
const AddMember = z
  .strictObject({
    email: z.string().trim().min(1).max(320).optional(),
    userId: z.string().min(1).max(128).optional(),
    role,
  })
  .refine((b) => (b.email === undefined) !== (b.userId === undefined), {
    message: 'send exactly one of email and userId',
    path: ['email'],
  });
const PATCH_SHAPE = '{"role": "owner" | "editor" | "viewer"}';
const PatchMember = z.strictObject({ role });

/**
 * `/api/v1/projects/:id/members` (owners): add a user (by email or id) with a role, list,
 * change a role, remove. A project keeps at least one owner: removing or demoting the last
 * one is 409. A change takes effect at once in this process and within the access cache's
 * TTL (10 s) on other collectors.
 */
export function membersRoutes(deps: {
  repo: AuthRepo;
  members: MembersRepo;
  users: UsersRepo;
  access: Pick<AccessCache, 'invalidate'>;
}) {
  const { repo, members, users, access } = deps;
  const app = new Hono<AppEnv>();

  /** 409 when `userId` is the project's only owner and would stop being one. */
  async function keepAnOwner(projectId: string, userId: string, next?: Role): Promise<void> {
    if (next === 'owner') return;
    const owners = (await members.list(projectId)).filter((m) => m.role === 'owner');
    if (owners.length === 1 && owners[0]!.userId === userId)
      throw conflict(
        `the last owner of project "${projectId}" cannot be removed or demoted; make another member owner first`,
        'userId',
      );
  }

  async function change(projectId: string, user: User, next: Role): Promise<ProjectMember> {
    await keepAnOwner(projectId, user.id, next);
    const member = await members.upsert(projectId, user.id, next);
    access.invalidate(user.id);
    return view(member, user);
  }

  app.post('/', async function addMember(c) {
    const project = await projectIn(c, repo, 'owner');
    const body = await readBody(c, AddMember, ADD_SHAPE);
    const user = body.email
      ? await users.findByEmail(body.email)
      : await users.findById(body.userId ?? '');
    if (!user) {
      const field = body.email ? 'email' : 'userId';
      throw new AppError(404, 'not_found', `no user with this ${field}; create the user first`, {
        field,
      });
    }
    setAuditTarget(c, user.id);
    return c.json(await change(project.id, user, body.role), 201);
  });

  app.get('/', async function listMembers(c) {
    const project = await projectIn(c, repo, 'owner');
    const [list, everyone] = await Promise.all([members.list(project.id), users.list()]);
    const byId = new Map(everyone.map((u) => [u.id, u]));
    const out: ProjectMembersResponse = {
      members: list.map((m) => view(m, byId.get(m.userId) ?? missingUser(m.userId))),
    };
    return c.json(out);
  });

  app.patch('/:userId', async function changeRole(c) {
    const project = await projectIn(c, repo, 'owner');
    const userId = pathId(c, 'userId');
    const body = await readBody(c, PatchMember, PATCH_SHAPE);
    if (!(await members.get(project.id, userId)))
      throw new NotFoundError(`user "${userId}" is not a member of project "${project.id}"`);
    const user = (await users.findById(userId)) ?? missingUser(userId);
    return c.json(await change(project.id, user, body.role));
  });

  app.delete('/:userId', async function removeMember(c) {
    const project = await projectIn(c, repo, 'owner');
    const userId = pathId(c, 'userId');
    if (!(await members.get(project.id, userId)))
      throw new NotFoundError(`user "${userId}" is not a member of project "${project.id}"`);
    await keepAnOwner(project.id, userId);
    await members.remove(project.id, userId);
    access.invalidate(userId);
    return c.body(null, 204);
  });

  return app;
}

function view(m: Member, user: User): ProjectMember {
  return {
    userId: m.userId,
    email: user.email,
    name: user.name,
    role: m.role,
    createdAt: new Date(m.createdAt).toISOString(),
  };
}

/** A member whose user row is gone: still changeable, shown without email. */
function missingUser(id: string): User {
  return { id, email: '', name: '', instanceAdmin: false, disabled: false, createdAt: 0 };
}
