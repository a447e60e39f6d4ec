import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { RateLimitError, UnavailableError } from '../errors.js';
import { type AuthRepo, createAuthRepo } from '../storage/auth-repo.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import { Authenticator, type AuthenticatorOptions } from './authenticator.js';
import { hashKey } from './keys.js';

let dir: string;
let engine: Engine;
let repo: AuthRepo;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-auth-int-'));
  const config = loadConfig({ dataDir: dir }, {});
  engine = await openEngine(config);
  await migrate(engine, { retentionDays: 1, fsync: false }, pino({ level: 'silent' }));
  repo = createAuthRepo(engine);
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
/** A fresh ingest key stored in the real key table. */
async function newKey(project = 'p1'): Promise<string> {
  const key = `key-${process.pid}-${++serial}-${Math.random().toString(36).slice(2)}`;
  await repo.insertKey({
    hash: hashKey(key),
    id: key.slice(-12),
    prefix: key.slice(0, 12),
    projectId: project,
    kind: 'ingest',
    name: 'int test',
  });
  return key;
}

/**
 * The real repository behind a wrapper that counts lookups and can hold them (to make
 * concurrency visible). The test clock moves only when a test says so.
 */
function harness(options: AuthenticatorOptions = {}) {
  let lookups = 0;
  let gate: Promise<void> = Promise.resolve();
  let t = Date.now();
  const counting = {
    async findKey(hash: string) {
      lookups++;
      await gate;
      return repo.findKey(hash);
    },
  };
  const auth = new Authenticator(counting, { now: () => t, ...options });
  return {
    auth,
    lookups: () => lookups,
    advance(ms: number) {
      t += ms;
    },
    hold() {
      let open = () => {};
      gate = new Promise((r) => {
        open = r;
      });
      return () => {
        gate = Promise.resolve();
        open();
      };
    },
  };
}

const from = (address: string) => ({ address });

describe('Authenticator on the real key table', () => {
  test('concurrent first lookups of a key share one query', async () => {
    const key = await newKey();
    const h = harness();
    const open = h.hold();
    const all = Promise.all([1, 2, 3].map(() => h.auth.authenticate(key, from('10.0.0.1'))));
    open();
    expect((await all).map((p) => p?.projectId)).toEqual(['p1', 'p1', 'p1']);
    expect(h.lookups()).toBe(1);
  });

  test('a flood of unknown tokens cannot evict a valid key', async () => {
    const key = await newKey();
    const h = harness({ maxValidKeys: 5, maxUnknownKeys: 20, authFailureRate: 0 });
    expect((await h.auth.authenticate(key, from('10.0.0.1')))?.projectId).toBe('p1');
    const before = h.lookups();
    for (let i = 0; i < 300; i++)
      expect(await h.auth.authenticate(`made-up-${i}`, from('10.0.0.2'))).toBeUndefined();
    expect(h.lookups()).toBe(before + 300);
    // Answered from the valid-key cache: no lookup.
    expect((await h.auth.authenticate(key, from('10.0.0.1')))?.projectId).toBe('p1');
    expect(h.lookups()).toBe(before + 300);
  });

  test('unknown tokens are cached negatively for the TTL; a key created later then works', async () => {
    const h = harness({ cacheTtlMs: 10_000 });
    const late = `late-${process.pid}-${Math.random()}`;
    expect(await h.auth.authenticate(late, from('10.0.0.3'))).toBeUndefined();
    expect(await h.auth.authenticate(late, from('10.0.0.3'))).toBeUndefined();
    expect(h.lookups()).toBe(1);
    await repo.insertKey({
      hash: hashKey(late),
      id: late.slice(-12),
      prefix: late.slice(0, 12),
      projectId: 'p2',
      kind: 'ingest',
      name: 'created later',
    });
    h.advance(9_999);
    expect(await h.auth.authenticate(late, from('10.0.0.3'))).toBeUndefined();
    h.advance(1);
    expect((await h.auth.authenticate(late, from('10.0.0.3')))?.projectId).toBe('p2');
    expect(h.lookups()).toBe(2);
  });

  test('a used key is refreshed in the background; a revoked key stops within the TTL', async () => {
    const key = await newKey();
    const h = harness({ cacheTtlMs: 10_000, refreshAfterMs: 4_000 });
    const a = from('10.0.0.4');
    expect((await h.auth.authenticate(key, a))?.projectId).toBe('p1');
    h.advance(3_999);
    expect((await h.auth.authenticate(key, a))?.projectId).toBe('p1');
    expect(h.lookups()).toBe(1);
    await repo.revokeKey(hashKey(key));
    h.advance(1);
    const open = h.hold();
    // Due for a refresh: answered from the cache while the lookup waits.
    expect((await h.auth.authenticate(key, a))?.projectId).toBe('p1');
    expect(h.lookups()).toBe(2);
    open();
    await expect.poll(() => h.auth.authenticate(key, a)).toBeUndefined();
  });

  test('an expired entry is never used: a revoked key that was idle is refused at once', async () => {
    const key = await newKey();
    const h = harness({ cacheTtlMs: 10_000, refreshAfterMs: 4_000 });
    const a = from('10.0.0.5');
    expect((await h.auth.authenticate(key, a))?.projectId).toBe('p1');
    await repo.revokeKey(hashKey(key));
    h.advance(10_000);
    expect(await h.auth.authenticate(key, a)).toBeUndefined();
    expect(h.lookups()).toBe(2);
  });

  test('failed attempts per address: 429 with a wait past the burst, valid keys unaffected', async () => {
    const key = await newKey();
    const other = await newKey('p3');
    const h = harness({ authFailureRate: 1, authFailureBurst: 5 });
    const attacker = from('10.0.0.6');
    expect((await h.auth.authenticate(key, attacker))?.projectId).toBe('p1');
    for (let i = 0; i < 5; i++)
      expect(await h.auth.authenticate(`guess-${i}`, attacker)).toBeUndefined();
    const lookups = h.lookups();
    const refused = await h.auth.authenticate('guess-5', attacker).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).status).toBe(429);
    expect((refused as RateLimitError).options.retryAfterSeconds).toBe(1);
    expect(h.lookups()).toBe(lookups); // refused without a lookup
    // A key already known valid still works from the limited address...
    expect((await h.auth.authenticate(key, attacker))?.projectId).toBe('p1');
    // ...a key not yet seen waits like any other attempt from it...
    await expect(h.auth.authenticate(other, attacker)).rejects.toBeInstanceOf(RateLimitError);
    // ...and other addresses are not limited.
    expect(await h.auth.authenticate('guess-6', from('10.0.0.7'))).toBeUndefined();
    h.advance(1_000);
    expect(await h.auth.authenticate('guess-7', attacker)).toBeUndefined();
    await expect(h.auth.authenticate('guess-8', attacker)).rejects.toBeInstanceOf(RateLimitError);
  });

  test('valid keys do not use up an address', async () => {
    const h = harness({ authFailureRate: 0.001, authFailureBurst: 2 });
    const a = from('10.0.0.8');
    for (let i = 0; i < 5; i++) expect(await h.auth.authenticate(await newKey(), a)).toBeDefined();
    expect(await h.auth.authenticate('bad-1', a)).toBeUndefined();
    expect(await h.auth.authenticate('bad-2', a)).toBeUndefined();
    await expect(h.auth.authenticate('bad-3', a)).rejects.toBeInstanceOf(RateLimitError);
  });

  test('per-key ingest rate: 429 past the burst, other keys and non-ingest use unaffected', async () => {
    const key = await newKey();
    const other = await newKey();
    const h = harness({ ingestRateLimit: 2, ingestRateBurst: 3 });
    const ingest = { address: '10.0.0.9', ingest: true };
    for (let i = 0; i < 3; i++) expect(await h.auth.authenticate(key, ingest)).toBeDefined();
    const refused = await h.auth.authenticate(key, ingest).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).options.retryAfterSeconds).toBe(1);
    expect(await h.auth.authenticate(other, ingest)).toBeDefined();
    expect(await h.auth.authenticate(key, from('10.0.0.9'))).toBeDefined();
    h.advance(500);
    expect(await h.auth.authenticate(key, ingest)).toBeDefined();
    await expect(h.auth.authenticate(key, ingest)).rejects.toBeInstanceOf(RateLimitError);
  });

  test('too many distinct lookups in flight get 503 instead of queueing on the engine', async () => {
    const h = harness({ maxLookups: 2 });
    const open = h.hold();
    const a = from('10.0.0.10');
    const first = [h.auth.authenticate('q1', a), h.auth.authenticate('q2', a)];
    await expect(h.auth.authenticate('q3', a)).rejects.toBeInstanceOf(UnavailableError);
    open();
    expect(await Promise.all(first)).toEqual([undefined, undefined]);
    expect(await h.auth.authenticate('q3', a)).toBeUndefined();
  });

  test('lookups of unknown tokens from all addresses together are capped per second', async () => {
    const h = harness({ lookupRate: 5, authFailureBurst: 1, authFailureRate: 0.001 });
    // Twelve addresses, one attempt each: spread wide, a flood still gets only 2 × 5 lookups.
    const answers = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => h.auth.authenticate(`spread-${i}`, from(`10.9.0.${i}`))),
    );
    const refused = answers.filter(
      (a) => a.status === 'rejected' && a.reason instanceof UnavailableError,
    );
    expect(refused.length).toBe(2);
    expect(h.lookups()).toBe(10);
    // The refused addresses were not charged: once the budget refills they get their answer.
    h.advance(1_000);
    expect(await h.auth.authenticate('spread-10', from('10.9.0.10'))).toBeUndefined();
  });
});
