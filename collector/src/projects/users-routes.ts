import { Hono } from 'hono';
import { z } from 'zod';
import type { AccessCache } from '../auth/access-cache.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import type { SessionStore } from '../auth/session-store.js';
import { AppError, NotFoundError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { requireInstanceAdmin } from '../middleware/project-scope.js';
import type { Engine } from '../storage/engine.js';
import { readBody } from './body.js';
import { createUsersRepo, type User, type UserPatch, type UsersRepo } from './users-repo.js';

/** A user as the API answers it. */
export interface UserJson {
  id: string;
  email: string;
  name: string;
  instanceAdmin: boolean;
  disabled: boolean;
  createdAt: string;
}

/** `user` as the API answers it (times ISO 8601; never the password hash). */
export function userJson(user: User): UserJson {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    instanceAdmin: user.instanceAdmin,
    disabled: user.disabled,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

/** An email as sign-in and user creation take it (the repository lower-cases it). */
export const emailSchema = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

const nameSchema = z.string().trim().min(1, 'must not be empty').max(200);

const createSchema = z.strictObject({
  email: emailSchema,
  name: nameSchema,
  password: z.string(),
  instanceAdmin: z.boolean().optional(),
});
const CREATE_SHAPE = '{"email", "name", "password", "instanceAdmin"?}';

const patchSchema = z.strictObject({
  name: nameSchema.optional(),
  password: z.string().optional(),
  disabled: z.boolean().optional(),
  instanceAdmin: z.boolean().optional(),
});
const PATCH_SHAPE = '{"name"?, "password"?, "disabled"?, "instanceAdmin"?}';

/** Options of {@link usersRoutes}. */
export interface UsersRoutesOptions {
  engine: Engine;
  /** A disabled user's or a new password's sessions are revoked here. */
  sessions: Pick<SessionStore, 'revokeUser'>;
  /** Cached grants to forget after a change (the user's, on this collector). */
  access: Pick<AccessCache, 'invalidate'>;
  users?: UsersRepo;
}

/**
 * The instance's users, for the instance admin only (403 for anyone else), mounted at
 * `/api/v1/users`: `POST /` creates one (409 when the email is taken), `GET /` lists them,
 * `PATCH /:id` changes name, password, disabled or instance admin. Disabling a user or setting
 * a password revokes their sessions everywhere (within 10 s on other collectors).
 *
 * @example
 * api.route('/users', usersRoutes({ engine, sessions: auth.sessions, access }));
 */
export function usersRoutes({
  engine,
  sessions,
  access,
  users = createUsersRepo(engine),
}: UsersRoutesOptions) {
  const routes = new Hono<AppEnv>();
  routes.use('*', async function instanceAdminOnly(c, next) {
    requireInstanceAdmin(c);
    await next();
  });

  routes.post('/', async (c) => {
    const body = await readBody(c, createSchema, CREATE_SHAPE);
    const password = checkPasswordPolicy(body.password, 'password');
    const user = await users.insert({
      email: body.email,
      name: body.name,
      passwordHash: await hashPassword(password),
      instanceAdmin: body.instanceAdmin ?? false,
    });
    if (!user)
      throw new AppError(409, 'conflict', `a user with email "${body.email}" exists`, {
        field: 'email',
      });
    return c.json(userJson(user), 201);
  });

  routes.get('/', async (c) => c.json({ users: (await users.list()).map(userJson) }));

  routes.patch('/:id', async (c) => {
    const id = c.req.param('id');
    const body = await readBody(c, patchSchema, PATCH_SHAPE);
    const patch: UserPatch = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
      ...(body.instanceAdmin !== undefined ? { instanceAdmin: body.instanceAdmin } : {}),
    };
    if (body.password !== undefined)
      patch.passwordHash = await hashPassword(checkPasswordPolicy(body.password, 'password'));
    const before = await users.findById(id);
    if (!before) throw new NotFoundError(`no user "${id}"`);
    if (
      before.instanceAdmin &&
      !before.disabled &&
      (patch.disabled === true || patch.instanceAdmin === false) &&
      !(await users.list()).some((u) => u.id !== id && u.instanceAdmin && !u.disabled)
    )
      throw new AppError(
        409,
        'conflict',
        'this is the last instance admin user: make another user instance admin first',
        { field: patch.disabled === true ? 'disabled' : 'instanceAdmin' },
      );
    const user = await users.update(id, patch);
    if (!user) throw new NotFoundError(`no user "${id}"`);
    if (patch.disabled === true || patch.passwordHash !== undefined) await sessions.revokeUser(id);
    access.invalidate(id);
    return c.json(userJson(user));
  });

  return routes;
}
