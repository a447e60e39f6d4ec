import { describe, expect, it } from 'vitest';
import type { Principal } from './authenticator.js';
import { csrfMatches, SessionStore } from './session-store.js';

const admin: Principal = { kind: 'admin', projectId: 'default' };

describe('SessionStore', () => {
  it('finds a session by its id until it expires, then forgets it', () => {
    let now = 1_000;
    const store = new SessionStore({ ttlMs: 60_000, now: () => now });
    const { id, session } = store.create(admin);
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(store.get(id)).toBe(session);
    expect(store.get(`${id}x`)).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
    now += 59_999;
    expect(store.get(id)).toBe(session);
    now += 1;
    expect(store.get(id)).toBeUndefined();
    expect(store.maxAgeSeconds).toBe(60);
  });

  it('ends a session on delete and evicts the oldest past the cap', () => {
    const store = new SessionStore({ maxSessions: 2 });
    const a = store.create(admin);
    const b = store.create(admin);
    const c = store.create(admin);
    expect(store.get(a.id)).toBeUndefined();
    expect(store.get(b.id)).toBeDefined();
    store.delete(c.id);
    expect(store.get(c.id)).toBeUndefined();
    expect(store.get(b.id)).toBeDefined();
  });

  it('gives each session its own CSRF token and compares it exactly', () => {
    const store = new SessionStore();
    const a = store.create(admin).session;
    const b = store.create(admin).session;
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(csrfMatches(a, a.csrfToken)).toBe(true);
    expect(csrfMatches(a, b.csrfToken)).toBe(false);
    expect(csrfMatches(a, a.csrfToken.slice(1))).toBe(false);
    expect(csrfMatches(a, undefined)).toBe(false);
    expect(csrfMatches(a, '')).toBe(false);
  });
});
