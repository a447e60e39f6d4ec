import { randomBytes } from 'node:crypto';
import type { Engine } from '../storage/engine.js';
import { chTime, fromChTime, nextVersion } from '../storage/rows.js';

/** A user as the API shows it (never the password hash). */
export interface User {
  id: string;
  email: string;
  name: string;
  instanceAdmin: boolean;
  disabled: boolean;
  createdAt: number;
}

/** What {@link UsersRepo.insert} stores. */
export interface NewUser {
  email: string;
  name: string;
  /** From `hashPassword` (auth/passwords.ts). */
  passwordHash: string;
  instanceAdmin?: boolean;
}

/** Fields {@link UsersRepo.update} may change. */
export interface UserPatch {
  name?: string;
  passwordHash?: string;
  disabled?: boolean;
  instanceAdmin?: boolean;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  instance_admin: number;
  disabled: number;
  created_at: string;
  version: string | number;
}

/** Emails compare case-insensitively: stored lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Users (`aiobs_users`). Every change writes a whole new row with a higher version; the
 * latest row per id decides. Emails are unique: {@link UsersRepo.insert} refuses a taken one.
 */
export function createUsersRepo(engine: Engine) {
  const { client, database: db } = engine;
  const latest = (where: string) =>
    `SELECT * FROM ${db}.aiobs_users WHERE ${where} ORDER BY version DESC LIMIT 1 BY id`;

  async function rows(query: string, params: Record<string, unknown> = {}): Promise<UserRow[]> {
    const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return rs.json<UserRow>();
  }

  async function write(row: UserRow): Promise<void> {
    await client.insert({ table: `${db}.aiobs_users`, values: [row], format: 'JSONEachRow' });
  }

  async function byEmail(email: string): Promise<UserRow | undefined> {
    // The latest row per id first, then the email: a user who changed email is not found by the old one.
    const [row] = await rows(
      `SELECT * FROM (${latest('1')}) WHERE email = {email:String} LIMIT 1`,
      { email: normalizeEmail(email) },
    );
    return row;
  }

  return {
    async findById(id: string): Promise<User | undefined> {
      const [row] = await rows(latest('id = {id:String}'), { id });
      return row ? toUser(row) : undefined;
    },

    async findByEmail(email: string): Promise<User | undefined> {
      const row = await byEmail(email);
      return row ? toUser(row) : undefined;
    },

    /** The user and password hash for a sign-in by email (the only read of the hash). */
    async findCredentials(
      email: string,
    ): Promise<{ user: User; passwordHash: string } | undefined> {
      const row = await byEmail(email);
      return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
    },

    /** Every user, by email. */
    async list(): Promise<User[]> {
      return (await rows(`SELECT * FROM (${latest('1')}) ORDER BY email`)).map(toUser);
    },

    /**
     * Stores a new user; undefined when the email is taken. Two collectors creating the same
     * email at once could both succeed (the engine has no unique constraint): creation is an
     * admin action, rare enough that this window is accepted.
     */
    async insert(user: NewUser): Promise<User | undefined> {
      if (await byEmail(user.email)) return undefined;
      const row: UserRow = {
        id: randomBytes(8).toString('hex'),
        email: normalizeEmail(user.email),
        name: user.name,
        password_hash: user.passwordHash,
        instance_admin: user.instanceAdmin ? 1 : 0,
        disabled: 0,
        created_at: chTime(Date.now()),
        version: nextVersion(),
      };
      await write(row);
      return toUser(row);
    },

    /** Changes a user; undefined when there is none. */
    async update(id: string, patch: UserPatch): Promise<User | undefined> {
      const [row] = await rows(latest('id = {id:String}'), { id });
      if (!row) return undefined;
      const next: UserRow = {
        ...row,
        name: patch.name ?? row.name,
        password_hash: patch.passwordHash ?? row.password_hash,
        disabled: patch.disabled === undefined ? row.disabled : patch.disabled ? 1 : 0,
        instance_admin:
          patch.instanceAdmin === undefined ? row.instance_admin : patch.instanceAdmin ? 1 : 0,
        version: nextVersion(Number(row.version)),
      };
      await write(next);
      return toUser(next);
    },
  };
}

/** The repository's interface. */
export type UsersRepo = ReturnType<typeof createUsersRepo>;

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    instanceAdmin: Number(r.instance_admin) === 1,
    disabled: Number(r.disabled) === 1,
    createdAt: fromChTime(r.created_at),
  };
}
