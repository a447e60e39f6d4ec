import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { createUsersRepo } from '../projects/users-repo.js';
import { createAuthRepo } from '../storage/auth-repo.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { type CredentialsOutput, ensureCredentials, readCredentials } from './bootstrap.js';
import { verifyPassword } from './passwords.js';

// The first start's instance admin user, on the real engine: one database per test (the
// engine is one per process), since "first start" means no instance admin user exists yet.

let engineDir: string;
let shared: Engine;
const dirs: string[] = [];
let serial = 0;

beforeAll(async () => {
  engineDir = mkdtempSync(join(tmpdir(), 'aiobs-bootstrap-int-'));
  shared = await openEngine(loadConfig({ dataDir: engineDir }, {}));
});
afterAll(async () => {
  await shared?.close();
  for (const d of [engineDir, ...dirs]) rmSync(d, { recursive: true, force: true });
});

async function freshStart(flags: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aiobs-bootstrap-creds-'));
  dirs.push(dir);
  const config = loadConfig({ dataDir: dir, ...flags }, {});
  const engine: Engine = { ...shared, database: `bootstrap_${process.pid}_${++serial}` };
  await migrate(engine, { retentionDays: 1, fsync: false }, pino({ level: 'silent' }));
  const lines: string[] = [];
  const log = pino(
    { base: undefined },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const start = async (interactive: boolean) => {
    const printed: string[] = [];
    const out: CredentialsOutput = { interactive, write: (t) => printed.push(t) };
    const known = await ensureCredentials(
      config,
      createAuthRepo(engine),
      log,
      out,
      createUsersRepo(engine),
    );
    return { known, printed };
  };
  return { dir, engine, start, logged: () => lines.join('') };
}

describe('the instance admin user on first start', () => {
  test('admin@localhost with a random password: printed once on a terminal, never logged, kept in credentials.json (0600)', async () => {
    const s = await freshStart();
    const { known, printed } = await s.start(true);
    const password = known.adminPassword!;
    expect(known.adminUser).toBe('admin@localhost');
    expect(password).toMatch(/^[\w-]{32}$/);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(`admin user: admin@localhost  password: ${password}`);
    expect(s.logged()).not.toContain(password);
    const path = join(s.dir, 'credentials.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readCredentials(s.dir)).toMatchObject({
      adminUser: 'admin@localhost',
      adminPassword: password,
    });

    const users = await createUsersRepo(s.engine).list();
    expect(users).toEqual([
      expect.objectContaining({ email: 'admin@localhost', instanceAdmin: true, disabled: false }),
    ]);
    const creds = await createUsersRepo(s.engine).findCredentials('admin@localhost');
    expect(await verifyPassword(password, creds!.passwordHash)).toBe(true);

    // A restart neither makes a second admin nor prints or forgets the first one's password.
    const again = await s.start(true);
    expect(again.known.adminPassword).toBeUndefined();
    expect(again.printed).toEqual([]);
    expect(await createUsersRepo(s.engine).list()).toHaveLength(1);
    expect(JSON.parse(readFileSync(path, 'utf8')).adminPassword).toBe(password);
  });

  test('not a terminal: nothing printed, the log points at credentials.json', async () => {
    const s = await freshStart();
    const { known, printed } = await s.start(false);
    expect(printed).toEqual([]);
    expect(s.logged()).toContain(join(s.dir, 'credentials.json'));
    expect(s.logged()).not.toContain(known.adminPassword!);
  });

  test('--admin-user / --admin-password seed it: not printed, written to the file', async () => {
    const s = await freshStart({
      adminUser: 'Ops@Example.com',
      adminPassword: 'seeded password 123',
    });
    const { known, printed } = await s.start(true);
    expect(known).toMatchObject({
      adminUser: 'ops@example.com',
      adminPassword: 'seeded password 123',
    });
    expect(printed.join('')).not.toContain('seeded password 123');
    expect(readCredentials(s.dir)?.adminPassword).toBe('seeded password 123');
    const creds = await createUsersRepo(s.engine).findCredentials('ops@example.com');
    expect(creds?.user.instanceAdmin).toBe(true);
    expect(await verifyPassword('seeded password 123', creds!.passwordHash)).toBe(true);
  });

  test('a too short seeded password stops the start with a message naming the variable', () => {
    expect(() => loadConfig({}, { AIOBS_ADMIN_PASSWORD: 'short' })).toThrow(
      /--admin-password \(AIOBS_ADMIN_PASSWORD\): must be at least 12 characters/,
    );
  });
});
