import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResolvedAddress, safePost } from './safe-fetch.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let port: number;
let connections = 0;
let handler: Handler = (_req, _body, res) => res.end('ok');
const seen: { url: string; host: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ url: req.url ?? '', host: req.headers.host ?? '', body });
      handler(req, body, res);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

const base = { connectTimeoutMs: 2_000, timeoutMs: 5_000 };
const allowLoopback = { ...base, allowHosts: ['127.0.0.1'] };

describe('safePost refusals (no connection is made)', () => {
  it('refuses a private literal before any connection', async () => {
    const r = await safePost('http://10.0.0.1/hook', '{}', {}, { ...base, allowHosts: [] });
    expect(r.refused).toMatch(/10\.0\.0\.1 \(private\)/);
    expect(r.status).toBeUndefined();
  });

  it('refuses the loopback receiver when it is not allow-listed; the receiver sees nothing', async () => {
    const before = connections;
    const r = await safePost(
      `http://127.0.0.1:${port}/hook`,
      '{}',
      {},
      { ...base, allowHosts: [] },
    );
    expect(r.refused).toMatch(/loopback/);
    expect(connections).toBe(before);
  });

  it('refuses a name when any one of its addresses is private', async () => {
    const resolve = async (): Promise<ResolvedAddress[]> => [
      { address: '93.184.216.34', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    const r = await safePost(
      'http://hooks.example/x',
      '{}',
      {},
      { ...base, allowHosts: [], resolve },
    );
    expect(r.refused).toMatch(/cloud metadata/);
  });

  it('refuses IPv6 loopback, IPv4-mapped private addresses and non-http schemes', async () => {
    const opts = { ...base, allowHosts: [] };
    expect((await safePost('http://[::1]:9/', '{}', {}, opts)).refused).toMatch(/loopback/);
    expect((await safePost('http://[::ffff:192.168.0.1]/', '{}', {}, opts)).refused).toMatch(
      /private/,
    );
    expect((await safePost('file:///etc/passwd', '{}', {}, opts)).refused).toMatch(/scheme/);
    expect((await safePost('not a url', '{}', {}, opts)).refused).toBe('not a valid URL');
  });
});

describe('safePost to an allow-listed host', () => {
  it('posts the body and headers and reads the answer', async () => {
    handler = (_req, _body, res) => res.writeHead(202).end('accepted');
    const r = await safePost(
      `http://127.0.0.1:${port}/a`,
      '{"x":1}',
      { 'x-k': 'v' },
      allowLoopback,
    );
    expect(r).toMatchObject({ status: 202, body: 'accepted', address: '127.0.0.1' });
    expect(seen.at(-1)).toMatchObject({ url: '/a', body: '{"x":1}' });
  });

  it('connects to the address resolved and checked once, keeping the Host header', async () => {
    handler = (_req, _body, res) => res.end('ok');
    let lookups = 0;
    const resolve = async (): Promise<ResolvedAddress[]> => {
      lookups++;
      // A rebinding resolver: a second lookup would answer with somewhere else.
      return [{ address: lookups === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    };
    const r = await safePost(
      `http://hooks.test:${port}/b`,
      '{}',
      {},
      { ...base, allowHosts: ['hooks.test'], resolve },
    );
    expect(r.status).toBe(200);
    expect(lookups).toBe(1);
    expect(seen.at(-1)?.host).toBe(`hooks.test:${port}`);
  });

  it('follows a redirect with the same body, and checks its target again', async () => {
    handler = (req, _body, res) => {
      if (req.url === '/old') res.writeHead(307, { location: '/new' }).end();
      else if (req.url === '/out') res.writeHead(302, { location: 'http://10.0.0.1/steal' }).end();
      else if (req.url === '/loop') res.writeHead(308, { location: '/loop' }).end();
      else res.end('moved here');
    };
    const r = await safePost(`http://127.0.0.1:${port}/old`, '{"k":2}', {}, allowLoopback);
    expect(r).toMatchObject({ status: 200, body: 'moved here' });
    expect(seen.at(-1)).toMatchObject({ url: '/new', body: '{"k":2}' });
    const out = await safePost(`http://127.0.0.1:${port}/out`, '{}', {}, allowLoopback);
    expect(out.refused).toMatch(/10\.0\.0\.1 \(private\)/);
    const loop = await safePost(`http://127.0.0.1:${port}/loop`, '{}', {}, allowLoopback);
    expect(loop.error).toBe('more than 3 redirects');
  });

  it('reads at most maxBodyBytes of the answer', async () => {
    handler = (_req, _body, res) => res.end('x'.repeat(1_000_000));
    const r = await safePost(
      `http://127.0.0.1:${port}/big`,
      '{}',
      {},
      { ...allowLoopback, maxBodyBytes: 1000 },
    );
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(1000);
  });

  it('reports Retry-After and ends a request that never gets an answer', async () => {
    handler = (_req, _body, res) => res.writeHead(429, { 'retry-after': '7' }).end();
    expect(await safePost(`http://127.0.0.1:${port}/r`, '{}', {}, allowLoopback)).toMatchObject({
      status: 429,
      retryAfter: '7',
    });
    handler = () => undefined; // never answers
    const r = await safePost(
      `http://127.0.0.1:${port}/hang`,
      '{}',
      {},
      { ...allowLoopback, timeoutMs: 300 },
    );
    expect(r.error).toMatch(/timed out/);
    expect(r.status).toBeUndefined();
  });

  it('ends an attempt when its signal aborts (the collector is stopping)', async () => {
    const stop = new AbortController();
    handler = () => stop.abort(); // never answers; the request arriving stops the sender
    const r = await safePost(
      `http://127.0.0.1:${port}/stop`,
      '{}',
      {},
      { ...allowLoopback, signal: stop.signal },
    );
    expect(r).toMatchObject({ error: 'aborted', body: '' });
    expect(r.status).toBeUndefined();
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const p = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const r = await safePost(`http://127.0.0.1:${p}/`, '{}', {}, allowLoopback);
    expect(r.error).toMatch(/ECONNREFUSED/);
  });
});
