import { describe, expect, it } from 'vitest';
import { roleIn } from './access.js';
import { AccessCache } from './access-cache.js';
import type { Principal, Role } from './principal.js';

const user: Principal = { kind: 'user', projectId: 'default', userId: 'u1' };

function sources() {
  const state = { roles: new Map<string, Role>([['A', 'editor']]), disabled: false, lookups: 0 };
  return {
    state,
    users: {
      findById: async () => {
        state.lookups++;
        return { instanceAdmin: false, disabled: state.disabled };
      },
    },
    members: { rolesOf: async () => new Map(state.roles) },
  };
}

describe('AccessCache', () => {
  it('looks a user up once per TTL and sees changes after it', async () => {
    let now = 0;
    const s = sources();
    const cache = new AccessCache(s, { ttlMs: 10_000, now: () => now });
    expect(roleIn((await cache.grantOf(user))!, 'A')).toBe('editor');
    s.state.roles.delete('A');
    now = 9_999;
    expect(roleIn((await cache.grantOf(user))!, 'A')).toBe('editor');
    expect(s.state.lookups).toBe(1);
    now = 10_000;
    expect(roleIn((await cache.grantOf(user))!, 'A')).toBeUndefined();
    expect(s.state.lookups).toBe(2);
  });

  it('sees a change made in this process at once after invalidate', async () => {
    const s = sources();
    const cache = new AccessCache(s, { now: () => 0 });
    await cache.grantOf(user);
    s.state.disabled = true;
    cache.invalidate('u1');
    expect(await cache.grantOf(user)).toBeUndefined();
  });

  it('shares one lookup between concurrent requests', async () => {
    const s = sources();
    const cache = new AccessCache(s);
    await Promise.all([cache.grantOf(user), cache.grantOf(user), cache.grantOf(user)]);
    expect(s.state.lookups).toBe(1);
  });

  it('needs no lookup for tokens', async () => {
    const s = sources();
    const cache = new AccessCache(s);
    expect((await cache.grantOf({ kind: 'admin', projectId: 'default' }))?.instanceAdmin).toBe(
      true,
    );
    expect(s.state.lookups).toBe(0);
  });
});
