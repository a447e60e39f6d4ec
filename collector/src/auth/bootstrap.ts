import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AuthRepo, NewKey } from '../storage/auth-repo.js';
import { generateKey, generateKeyId, hashKey, type KeyKind, keyPrefix } from './keys.js';
import { hashPassword } from './passwords.js';

/** What `<data-dir>/credentials.json` holds, for the local agent and the demo. */
export interface CredentialsFile {
  project: string;
  apiKey?: string;
  adminToken?: string;
  /** Email of the instance admin user created on first start. */
  adminUser?: string;
  /** That user's first password (a later change through the API does not update it). */
  adminPassword?: string;
  endpoint?: string;
}

/** Email of the first instance admin user unless `--admin-user` names another. */
export const DEFAULT_ADMIN_USER = 'admin@localhost';

/** Path of the credentials file in a data dir. */
export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'credentials.json');
}

/**
 * Where generated credentials may be shown. Secrets go only to a person at a terminal:
 * a service manager, container runtime or CI job keeps stderr in logs that others read.
 */
export interface CredentialsOutput {
  /** True when the stream is an interactive terminal (`process.stderr.isTTY`). */
  interactive: boolean;
  write(text: string): void;
}

/** The process's stderr as a {@link CredentialsOutput}. */
export function stderrOutput(): CredentialsOutput {
  return {
    interactive: process.stderr.isTTY === true,
    write: (text) => process.stderr.write(`${text}\n`),
  };
}

/**
 * Makes sure the default project has an ingest key, that an admin token exists and (given
 * `users`) that an instance admin user exists. `AIOBS_API_KEY` / `AIOBS_ADMIN_TOKEN` /
 * `AIOBS_ADMIN_USER` + `AIOBS_ADMIN_PASSWORD` seed them; otherwise they are generated on first
 * start, stored hashed and written to `credentials.json` (mode 0600); they are printed once
 * when `out` is an interactive terminal, and only the file's path is logged otherwise.
 */
export async function ensureCredentials(
  config: Config,
  repo: AuthRepo,
  log: Logger,
  out: CredentialsOutput,
  users?: AdminUserStore,
): Promise<CredentialsFile> {
  const project = 'default';
  if (!(await repo.hasKey('ingest')) && !(await repo.hasKey('admin')))
    await repo.insertProject(project, 'Default project');
  const known: CredentialsFile = { project };
  const generated: string[] = [];

  const settle = async (kind: KeyKind, seeded: string | undefined): Promise<string | undefined> => {
    if (seeded) {
      if (!(await repo.findKey(hashKey(seeded))))
        await repo.insertKey(
          newKeyRow(seeded, kind, kind === 'ingest' ? 'AIOBS_API_KEY' : 'AIOBS_ADMIN_TOKEN'),
        );
      return seeded;
    }
    if (await repo.hasKey(kind, kind === 'ingest' ? project : undefined)) return undefined;
    const key = generateKey(kind);
    await repo.insertKey(newKeyRow(key, kind, 'generated on first start'));
    generated.push(
      kind === 'ingest' ? `  ingest key (project "${project}"): ${key}` : `  admin token: ${key}`,
    );
    return key;
  };
  const apiKey = await settle('ingest', config.apiKey);
  const adminToken = await settle('admin', config.adminToken);
  if (apiKey) known.apiKey = apiKey;
  if (adminToken) known.adminToken = adminToken;
  const admin = users ? await ensureAdminUser(config, users, log) : undefined;
  if (admin) {
    known.adminUser = admin.email;
    known.adminPassword = admin.password;
    if (admin.generated)
      generated.push(`  admin user: ${admin.email}  password: ${admin.password}`);
  }

  const path = credentialsPath(config.dataDir);
  if (apiKey || adminToken || admin) {
    const previous = readCredentials(config.dataDir);
    const merged: CredentialsFile = {
      ...previous,
      ...known,
      endpoint: `${config.tlsCert ? 'https' : 'http'}://127.0.0.1:${config.port}`,
    };
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  if (generated.length > 0) announceCredentials(generated, path, out, log);
  return known;
}

/**
 * Creates the instance admin user when there is no instance admin user yet: `--admin-user`
 * (default {@link DEFAULT_ADMIN_USER}) with `--admin-password` or a random 32-character one.
 * Undefined when one exists already (or the email belongs to an ordinary user: logged).
 */
/**
 * What the first start needs of the user store (the projects module's users repository,
 * passed in by the server: auth does not import the projects module, which builds on it).
 */
export interface AdminUserStore {
  list(): Promise<ReadonlyArray<{ instanceAdmin: boolean }>>;
  /** Undefined when the email is taken. */
  insert(user: {
    email: string;
    name: string;
    passwordHash: string;
    instanceAdmin?: boolean;
  }): Promise<{ email: string } | undefined>;
}

async function ensureAdminUser(
  config: Config,
  users: AdminUserStore,
  log: Logger,
): Promise<{ email: string; password: string; generated: boolean } | undefined> {
  if ((await users.list()).some((u) => u.instanceAdmin)) return undefined;
  const email = config.adminUser ?? DEFAULT_ADMIN_USER;
  const password = config.adminPassword ?? randomBytes(24).toString('base64url');
  const created = await users.insert({
    email,
    name: 'Instance admin',
    passwordHash: await hashPassword(password),
    instanceAdmin: true,
  });
  if (!created) {
    log.warn(
      { email },
      'no instance admin user exists and this email belongs to an ordinary user: sign in with the admin token and make a user instance admin',
    );
    return undefined;
  }
  return { email: created.email, password, generated: config.adminPassword === undefined };
}

/** The stored row of a bootstrap credential (the default project's, or the instance's). */
function newKeyRow(key: string, kind: KeyKind, name: string): NewKey {
  return {
    hash: hashKey(key),
    id: generateKeyId(),
    prefix: keyPrefix(key),
    projectId: 'default',
    kind,
    name,
    createdBy: 'bootstrap',
  };
}

/**
 * Tells the operator about credentials generated on this start: the secrets themselves only
 * on an interactive terminal, otherwise a log line that points at `credentials.json`.
 *
 * @param generated one line per generated credential, secret included
 */
export function announceCredentials(
  generated: readonly string[],
  path: string,
  out: CredentialsOutput,
  log: Logger,
): void {
  if (out.interactive)
    out.write(
      [
        '',
        'aiobs generated credentials (shown once; stored hashed):',
        ...generated,
        `  also written to ${path} (mode 0600) for the local agent and the demo`,
        '',
      ].join('\n'),
    );
  log.info(
    { path },
    out.interactive
      ? 'credentials generated'
      : `credentials generated; not printed because stderr is not a terminal: read them from ${path}`,
  );
}

/** Reads `credentials.json` from a data dir, if present and valid. */
export function readCredentials(dataDir: string): CredentialsFile | undefined {
  const path = credentialsPath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CredentialsFile;
  } catch {
    return undefined;
  }
}
