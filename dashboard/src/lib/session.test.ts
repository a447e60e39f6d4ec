import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The session check keeps the CSRF token as it answers, before any component sees the answer:
// a page that mounts in the same commit as the session's answer (its data already cached) may
// send a POST from its effects, which React runs before the layout's. fetch is captured.

let sent: Array<{ url: string; headers: Headers }>;

beforeEach(() => {
  vi.resetModules();
  sent = [];
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    sent.push({ url, headers: new Headers(init?.headers) });
    const body = url.endsWith('/auth/session') ? { csrfToken: 'tok-1' } : {};
    return new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/json' },
    });
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('session check', () => {
  it('a POST right after the check answers carries its CSRF token', async () => {
    const { api } = await import('./api-client.js');
    const { sessionQuery } = await import('./session.js');
    await new QueryClient().fetchQuery(sessionQuery);
    await api('/alert-rules/preview', { method: 'POST', body: '{}' });
    const post = sent.find((s) => s.url.includes('/alert-rules/preview'));
    expect(post?.headers.get('x-csrf-token')).toBe('tok-1');
  });

  it('a GET carries no CSRF token', async () => {
    const { api } = await import('./api-client.js');
    const { sessionQuery } = await import('./session.js');
    await new QueryClient().fetchQuery(sessionQuery);
    await api('/models');
    expect(sent.find((s) => s.url.includes('/models'))?.headers.get('x-csrf-token')).toBeNull();
  });
});
