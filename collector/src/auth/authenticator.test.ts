import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AuthRepo } from '../storage/auth-repo.js';
import { Authenticator } from './authenticator.js';
import { hashKey } from './keys.js';

/** A key store whose lookups the test counts and can hold. */
function keyStore(keys: Record<string, string>) {
  let calls = 0;
  let gate: Promise<void> = Promise.resolve();
  const repo = {
    async findKey(hash: string) {
      calls++;
      await gate;
      const project = Object.entries(keys).find(([k]) => hashKey(k) === hash)?.[1];
      return project ? { projectId: project, kind: 'ingest' as const } : undefined;
    },
  } as unknown as AuthRepo;
  return {
    repo,
    calls: () => calls,
    hold() {
      let open = () => {};
      gate = new Promise((r) => {
        open = r;
      });
      return open;
    },
    revoke(key: string) {
      delete keys[key];
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Authenticator', () => {
  test('concurrent first lookups of a key share one query', async () => {
    const store = keyStore({ k1: 'p1' });
    const open = store.hold();
    const auth = new Authenticator(store.repo);
    const all = Promise.all([auth.resolve('k1'), auth.resolve('k1'), auth.resolve('k1')]);
    open();
    const principals = await all;
    expect(principals.map((p) => p?.projectId)).toEqual(['p1', 'p1', 'p1']);
    expect(store.calls()).toBe(1);
    expect(await auth.resolve('nope')).toBeUndefined();
  });

  test('a stale entry answers at once and is refreshed in the background', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = keyStore({ k1: 'p1' });
    const auth = new Authenticator(store.repo);
    expect((await auth.resolve('k1'))?.projectId).toBe('p1');
    store.revoke('k1');
    vi.setSystemTime(Date.now() + 11_000);
    const open = store.hold();
    // Answered from the cache although the refresh query is still waiting.
    expect((await auth.resolve('k1'))?.projectId).toBe('p1');
    expect(store.calls()).toBe(2);
    open();
    await vi.waitFor(async () => expect(await auth.resolve('k1')).toBeUndefined());
  });
});
