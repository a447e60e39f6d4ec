import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';

// Dashboard sign-in against a real collector: the admin token becomes an HttpOnly session
// cookie plus a CSRF token; the cookie alone reads the API, writes need the CSRF header.

let c: RunningCollector;
beforeAll(async () => {
  c = await startCollector();
});
afterAll(async () => {
  expect(await c.stop()).toBe(0);
});

function login(token: string, contentType = 'application/json') {
  return fetch(`${c.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: JSON.stringify({ token }),
  });
}

async function signIn(): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await login(c.adminToken);
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrf: body.csrfToken, setCookie };
}

describe('dashboard sessions', () => {
  test('sign-in sets an HttpOnly SameSite=Lax cookie that is not the token, and answers a CSRF token', async () => {
    const { cookie, csrf, setCookie } = await signIn();
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    expect(cookie).toMatch(/^aiobs_session=[\w-]{40,}$/);
    expect(setCookie).not.toContain(c.adminToken);
    expect(csrf.length).toBeGreaterThanOrEqual(40);
    const session = await fetch(`${c.url}/api/v1/auth/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { csrfToken: string }).csrfToken).toBe(csrf);
  });

  test('the cookie reads the API; a write needs the CSRF header', async () => {
    const { cookie, csrf } = await signIn();
    expect((await fetch(`${c.url}/api/v1/models`, { headers: { cookie } })).status).toBe(200);
    const prices = await (await fetch(`${c.url}/api/v1/prices`, { headers: { cookie } })).json();
    const body = JSON.stringify({ prices: (prices as { prices: unknown[] }).prices });
    const put = (headers: Record<string, string>) =>
      fetch(`${c.url}/api/v1/prices`, {
        method: 'PUT',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body,
      });
    const noCsrf = await put({});
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await put({ 'x-csrf-token': `${csrf}x` })).status).toBe(403);
    expect((await put({ 'x-csrf-token': csrf })).status).toBe(200);
  });

  test('wrong tokens, ingest keys, bad bodies and logged-out cookies are refused', async () => {
    expect((await login('not-the-token')).status).toBe(401);
    expect((await login(c.apiKey)).status).toBe(401);
    expect((await login(c.adminToken, 'text/plain')).status).toBe(400);
    const empty = await fetch(`${c.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { field: string } }).error.field).toBe('token');
    const { cookie } = await signIn();
    const out = await fetch(`${c.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect((await fetch(`${c.url}/api/v1/models`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${c.url}/api/v1/auth/session`, { headers: { cookie } })).status).toBe(401);
    expect(
      (await fetch(`${c.url}/api/v1/models`, { headers: { cookie: 'aiobs_session=made-up' } }))
        .status,
    ).toBe(401);
  });
});
