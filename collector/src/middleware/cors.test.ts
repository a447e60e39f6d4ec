import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { corsFor } from './cors.js';

const ALLOWED = 'https://app.example.test';

function app() {
  const a = new Hono();
  a.use('/api/v1/*', corsFor([ALLOWED, 'http://127.0.0.1:5173']));
  a.get('/api/v1/services', (c) => c.json([]));
  return a;
}

function preflight(origin: string) {
  return app().request('/api/v1/services', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });
}

const corsHeaders = (res: Response) =>
  headerNames(res).filter((k) => k.startsWith('access-control-'));

/** forEach, not keys(): the DOM lib some suites load declares Headers without iterators. */
function headerNames(res: Response): string[] {
  const names: string[] = [];
  res.headers.forEach((_, name) => {
    names.push(name);
  });
  return names;
}

describe('corsFor', () => {
  test('an allowed origin gets its preflight answered, without credentials mode', async () => {
    const res = await preflight(ALLOWED);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('any other origin, or none, gets no CORS header at all', async () => {
    for (const origin of ['https://evil.example.test', 'https://app.example.test.evil', 'null']) {
      const res = await preflight(origin);
      expect(corsHeaders(res)).toEqual([]);
    }
    const plain = await app().request('/api/v1/services');
    expect(corsHeaders(plain)).toEqual([]);
    expect(plain.headers.get('vary')).toMatch(/origin/i);
  });

  test('simple requests from an allowed origin carry Access-Control-Allow-Origin', async () => {
    const res = await app().request('/api/v1/services', { headers: { origin: ALLOWED } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });
});

describe('--cors-origin', () => {
  const parse = (value: string) => loadConfig({ corsOrigin: value }, {}).corsOrigin;

  test('a comma-separated list of bare origins, trimmed', () => {
    expect(parse(' https://a.example.test, http://127.0.0.1:5173 ')).toEqual([
      'https://a.example.test',
      'http://127.0.0.1:5173',
    ]);
    expect(loadConfig({}, {}).corsOrigin).toBeUndefined();
  });

  test('wildcards, paths, trailing slashes and other schemes are refused', () => {
    for (const bad of [
      '*',
      'https://a.example.test/',
      'https://a.example.test/app',
      'ftp://a.example.test',
      ',',
    ])
      expect(() => parse(bad), bad).toThrow(/--cors-origin/);
  });
});
