import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, type RunningCollector, startCollector } from './helpers/collector.js';
import { hasOpenssl, makeLoopbackCert } from './helpers/tls.js';

/** A raw TCP client on loopback that records what the server sends and when it closes. */
interface RawClient {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
}

function openRaw(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    // A reset from the server is a close too; the error itself is expected here.
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** Resolves with the first full HTTP response on the socket (headers and Content-Length body). */
function nextResponse(client: RawClient, from: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const text = client.received().slice(from);
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length < end + 4 + length) return;
      client.socket.off('data', check);
      resolve(text.slice(0, end + 4 + length));
    };
    client.socket.on('data', check);
    client.closed.then(() => reject(new Error(`closed; got: ${client.received().slice(from)}`)));
    check();
  });
}

/** Rejects if `p` has not settled after `ms`: an upper bound, so a hang fails the test. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Waits until the collector's output contains `text` (bounded by the test's timeout). */
async function outputContains(c: RunningCollector, text: string): Promise<void> {
  while (!c.output().includes(text)) await new Promise((r) => setTimeout(r, 20));
}

/** Runs the collector's CLI to completion (for start-up errors, which exit before listening). */
function runMain(args: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'aiobs-cfg-'));
  try {
    return spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'collector', 'dist', 'main.js'),
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        ...args,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, AIOBS_TLS_CERT: '', AIOBS_TLS_KEY: '', AIOBS_CORS_ORIGIN: '' },
        timeout: 30_000,
      },
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const HEALTH = 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

describe('one collector with short timeouts, no CORS, generated credentials', () => {
  let c: RunningCollector;
  let creds: { apiKey: string; adminToken: string };

  beforeAll(async () => {
    c = await startCollector({
      args: ['--headers-timeout', '1', '--request-timeout', '2'],
      // Nothing seeded: the collector generates both credentials on this first start.
      env: { AIOBS_API_KEY: '', AIOBS_ADMIN_TOKEN: '' },
    });
    creds = JSON.parse(readFileSync(join(c.dataDir, 'credentials.json'), 'utf8'));
  });
  afterAll(async () => {
    expect(await c.stop()).toBe(0);
  });

  test('generated credentials are not printed when stderr is not a terminal; the log names the file', () => {
    expect(creds.apiKey).toMatch(/^aiobs_ik_/);
    expect(creds.adminToken).toMatch(/^aiobs_at_/);
    const out = c.output();
    expect(out).not.toContain(creds.apiKey);
    expect(out).not.toContain(creds.adminToken);
    const line = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; path?: string })
      .find((l) => l.msg.startsWith('credentials generated'));
    expect(line?.path).toBe(join(c.dataDir, 'credentials.json'));
    expect(line?.msg).toContain('credentials.json');
  });

  test('a client that trickles headers and stalls is answered 408 and closed (--headers-timeout 1)', async () => {
    const raw = await openRaw(c.port);
    raw.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a');
    // Node's default would wait 60 s; the configured 1 s (checked every second) ends it.
    await within(raw.closed, 8_000, 'slow-header connection closed');
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('a client that trickles its body and stalls is closed (--request-timeout 2)', async () => {
    const raw = await openRaw(c.port);
    raw.socket.write(
      'POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${creds.apiKey}\r\nContent-Length: 10000\r\n\r\n{"resourceSpans":`,
    );
    await within(raw.closed, 12_000, 'slow-body connection closed');
    expect(raw.received()).not.toMatch(/^HTTP\/1\.1 [25]/);
    // The collector is unharmed and logged no server error for it.
    const health = await fetch(`${c.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(c.output()).not.toMatch(/"level":(50|60)/);
  });

  test('the dashboard page carries a CSP without inline scripts, framing refused, nosniff, no referrer', async () => {
    const res = await fetch(`${c.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // Plain HTTP: HSTS would be ignored by browsers and is not sent.
    expect(res.headers.get('strict-transport-security')).toBeNull();
    // The page's scripts are external files that script-src 'self' allows.
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  });

  test("the dashboard's scripts are sent compressed at build time and cached for good (their names carry a content hash)", async () => {
    const html = await (await fetch(`${c.url}/`)).text();
    const script = /<script[^>]*\bsrc="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toMatch(/^\/assets\//);
    const plain = await fetch(`${c.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    const plainBytes = (await plain.arrayBuffer()).byteLength;
    // fetch() decodes gzip itself; node:http shows what travelled.
    const travelled = (encoding: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const url = new URL(`${c.url}${script}`);
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            headers: { 'accept-encoding': encoding },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const raw = await travelled('gzip');
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.body.length).toBeLessThan(plainBytes / 2);
    expect(gunzipSync(raw.body).length).toBe(plainBytes);
    // Compressed once by the build (scripts/precompress.mjs), not per request: the copy on
    // disk is sent as it is, with its length.
    const onDisk = join(REPO_ROOT, 'dashboard', 'dist', script!);
    expect(Number(raw.headers['content-length'])).toBe(statSync(`${onDisk}.gz`).size);
    const br = await travelled('br, gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'])).toBe(statSync(`${onDisk}.br`).size);
    expect(brotliDecompressSync(br.body).equals(readFileSync(onDisk))).toBe(true);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(raw.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // The page itself is not cached: a new build must reach the browser.
    expect((await fetch(`${c.url}/`)).headers.get('cache-control') ?? '').not.toMatch(/immutable/);
  });

  test('API, error and OTLP responses carry nosniff and a deny-all CSP', async () => {
    const responses = [
      await fetch(`${c.url}/api/v1/health`),
      await fetch(`${c.url}/api/v1/services`),
      await fetch(`${c.url}/api/v1/services`, {
        headers: { authorization: `Bearer ${creds.adminToken}` },
      }),
      await fetch(`${c.url}/api/v1/no-such-route`, {
        headers: { authorization: `Bearer ${creds.adminToken}` },
      }),
      await fetch(`${c.url}/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${creds.apiKey}`, 'content-type': 'application/json' },
        body: '{"resourceSpans":[]}',
      }),
      await fetch(`${c.url}/v1/traces`, { method: 'POST', body: '{}' }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 200, 404, 200, 401]);
    for (const res of responses) {
      await res.arrayBuffer();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  test('without --cors-origin no response or preflight carries a CORS header', async () => {
    const origin = 'http://127.0.0.1:5173';
    const preflight = await fetch(`${c.url}/api/v1/services`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    const plain = await fetch(`${c.url}/api/v1/health`, { headers: { origin } });
    const otlp = await fetch(`${c.url}/v1/traces`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    for (const res of [preflight, plain, otlp]) {
      await res.arrayBuffer();
      res.headers.forEach((_, name) => {
        expect(name).not.toMatch(/^access-control-/);
      });
    }
  });
});

describe('--max-connections', () => {
  let c: RunningCollector;
  beforeAll(async () => {
    c = await startCollector({
      args: ['--max-connections', '2', '--keep-alive-timeout', '60', '--headers-timeout', '30'],
    });
  });
  afterAll(async () => {
    expect(await c.stop()).toBe(0);
  });

  test('a connection over the cap is closed at once; the held ones keep working; a freed slot is reused', async () => {
    // Two keep-alive connections, each proven accepted by a served request.
    const held = [await openRaw(c.port), await openRaw(c.port)];
    for (const h of held) {
      h.socket.write(HEALTH);
      expect(await nextResponse(h, 0)).toMatch(/^HTTP\/1\.1 200 /);
    }
    const extra = await openRaw(c.port);
    extra.socket.write(HEALTH);
    await within(extra.closed, 8_000, 'connection over the cap closed');
    expect(extra.received()).toBe('');
    await outputContains(c, 'connections refused: --max-connections reached');

    const first = held[0]!;
    const before = first.received().length;
    first.socket.write(HEALTH);
    expect(await nextResponse(first, before)).toMatch(/^HTTP\/1\.1 200 /);

    // Once a held connection is gone, a new client gets in (the server counts the close
    // asynchronously: retry a bounded number of times).
    first.socket.end();
    await first.closed;
    let served = false;
    for (let attempt = 0; attempt < 50 && !served; attempt++) {
      const next = await openRaw(c.port);
      next.socket.write(HEALTH);
      served = await nextResponse(next, 0).then(
        (r) => r.startsWith('HTTP/1.1 200 '),
        () => false,
      );
      next.socket.destroy();
    }
    expect(served).toBe(true);
    for (const h of held) h.socket.destroy();
  });
});

describe('--cors-origin', () => {
  const allowed = 'http://127.0.0.1:5173';
  let c: RunningCollector;
  beforeAll(async () => {
    c = await startCollector({ args: ['--cors-origin', `${allowed}, https://127.0.0.1:8443`] });
  });
  afterAll(async () => {
    expect(await c.stop()).toBe(0);
  });

  test('an allowed origin gets a preflight answer and Access-Control-Allow-Origin; others get none', async () => {
    const preflight = (origin: string, path: string) =>
      fetch(`${c.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    for (const path of ['/api/v1/query', '/v1/traces']) {
      const ok = await preflight(allowed, path);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();

      const other = await preflight('http://127.0.0.1:9999', path);
      await other.arrayBuffer();
      other.headers.forEach((_, name) => {
        expect(name).not.toMatch(/^access-control-/);
      });
    }

    const res = await fetch(`${c.url}/api/v1/services`, {
      headers: { origin: allowed, authorization: `Bearer ${c.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    // CORS does not replace authentication.
    const anonymous = await fetch(`${c.url}/api/v1/services`, { headers: { origin: allowed } });
    expect(anonymous.status).toBe(401);
  });
});

describe('--tls-cert / --tls-key', () => {
  let dir: string;
  let c: RunningCollector | undefined;

  beforeAll(async () => {
    if (!hasOpenssl) return;
    dir = makeLoopbackCert('aiobs-tls-').dir;
    c = await startCollector({
      args: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')],
    });
  });
  afterAll(async () => {
    if (c) expect(await c.stop()).toBe(0);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.skipIf(!hasOpenssl)('serves HTTPS with the given certificate and sends HSTS', async () => {
    const ca = readFileSync(join(dir, 'cert.pem'));
    const res = await new Promise<{ status?: number; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port: c!.port, path: '/api/v1/health', ca },
          (r) => {
            r.resume();
            r.on('end', () => resolve({ status: r.statusCode, headers: r.headers }));
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    // Plain HTTP on the TLS port is not served.
    const plain = await fetch(`http://127.0.0.1:${c!.port}/api/v1/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });

  test.skipIf(!hasOpenssl)(
    'a key that does not belong to the certificate is refused at start',
    () => {
      execFileSync('openssl', [
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-out',
        join(dir, 'other-key.pem'),
      ]);
      const res = runMain([
        '--tls-cert',
        join(dir, 'cert.pem'),
        '--tls-key',
        join(dir, 'other-key.pem'),
      ]);
      expect(res.status).toBe(2);
      expect(res.stderr).toContain('not a usable PEM certificate and key');
    },
  );
});

describe('configuration errors', () => {
  test('TLS, timeout and CORS mistakes stop the start with a message naming the flag (exit 2)', () => {
    const run = runMain;
    const missingKey = run(['--tls-cert', '/nonexistent/cert.pem']);
    expect(missingKey.status).toBe(2);
    expect(missingKey.stderr).toContain('--tls-cert and --tls-key go together');

    const unreadable = run([
      '--tls-cert',
      '/nonexistent/cert.pem',
      '--tls-key',
      '/nonexistent/key.pem',
    ]);
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain('--tls-cert /nonexistent/cert.pem: cannot read');

    const timeouts = run(['--headers-timeout', '20', '--request-timeout', '10']);
    expect(timeouts.status).toBe(2);
    expect(timeouts.stderr).toContain('--headers-timeout must not exceed --request-timeout');

    const cors = run(['--cors-origin', 'https://example.test/path']);
    expect(cors.status).toBe(2);
    expect(cors.stderr).toContain('--cors-origin (AIOBS_CORS_ORIGIN)');
  });
});
