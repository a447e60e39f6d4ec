import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { securityHeaders } from './security-headers.js';

function app(tls: boolean) {
  const a = new Hono();
  a.use('*', securityHeaders({ tls }));
  a.get('/', (c) => c.html('<!doctype html><script type="module" src="/assets/x.js"></script>'));
  a.get('/api/v1/health', (c) => c.json({ ok: true }));
  a.get('/api/v1/boom', () => {
    throw new Error('boom');
  });
  a.post('/v1/traces', (c) => c.body(null, 200));
  a.onError((_err, c) => c.json({ error: { code: 'internal', message: 'internal error' } }, 500));
  return a;
}

/** The CSP as a map of directive → sources. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(
    header.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('securityHeaders', () => {
  test('pages: scripts only from the origin, inline styles allowed, framing refused', async () => {
    const res = await app(false).request('/');
    const policy = csp(res);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  test('API and OTLP answers, errors included, get a deny-all policy and nosniff', async () => {
    const a = app(false);
    for (const res of [
      await a.request('/api/v1/health'),
      await a.request('/api/v1/boom'),
      await a.request('/v1/traces', { method: 'POST' }),
    ]) {
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  test('HSTS only when the server speaks TLS', async () => {
    expect((await app(false).request('/')).headers.get('strict-transport-security')).toBeNull();
    const secure = app(true);
    for (const path of ['/', '/api/v1/health'])
      expect((await secure.request(path)).headers.get('strict-transport-security')).toBe(
        'max-age=31536000',
      );
  });
});
