import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../errors.js';
import { SaturatedError } from './errors.js';
import { readIncoming, unreadIncoming } from './read-incoming.js';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/**
 * A loopback server whose handler runs `read` on each request and answers 200 with the
 * byte count or 4xx/5xx with the error's name; resolves with the port and the outcomes.
 */
async function serve(read: (req: http.IncomingMessage) => Promise<Uint8Array>) {
  const outcomes: { body?: Uint8Array; err?: unknown; complete?: boolean }[] = [];
  const server = http.createServer((req, res) => {
    read(req).then(
      (body) => {
        outcomes.push({ body, complete: req.complete });
        res.end(String(body.length));
      },
      (err: unknown) => {
        outcomes.push({ err, complete: req.complete });
        res.statusCode = err instanceof PayloadTooLargeError ? 413 : 503;
        res.setHeader('connection', 'close');
        res.end((err as Error).name);
      },
    );
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, outcomes };
}

/** Sends `chunks` as one request body (chunked unless `length` is given); resolves the status. */
function post(port: number, chunks: Buffer[], length?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/traces',
        headers: length === undefined ? {} : { 'content-length': length },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    // A refused request is answered before its body is sent in full: that is not a failure.
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code ? resolve(0) : reject(err)));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readIncoming reads a body from the Node request as readBody does', () => {
  it('returns the bytes sent; Content-Length is accounted up front, then the totals', async () => {
    const seen: number[] = [];
    const { port, outcomes } = await serve((req) =>
      readIncoming(req, req.headers['content-length'], 1_000_000, (n) => seen.push(n)),
    );
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(50_000, 2)];
    expect(await post(port, chunks, 120_000)).toBe(200);
    const body = Buffer.from(outcomes[0]!.body!);
    expect(body.equals(Buffer.concat(chunks))).toBe(true);
    expect(seen[0]).toBe(120_000);
    expect(seen.at(-1)).toBe(120_000);
  });

  it('a declared length over the limit is a 413 before anything is read', async () => {
    let accounted = 0;
    const { port, outcomes } = await serve((req) =>
      readIncoming(req, req.headers['content-length'], 1000, () => accounted++),
    );
    expect(await post(port, [Buffer.alloc(2000)], 2000)).toBe(413);
    expect(outcomes[0]!.err).toBeInstanceOf(PayloadTooLargeError);
    expect(accounted).toBe(0);
  });

  it('a chunked body that grows past the limit stops with 413', async () => {
    const { port, outcomes } = await serve((req) => readIncoming(req, undefined, 100_000));
    expect(await post(port, [Buffer.alloc(80_000), Buffer.alloc(80_000)])).toBe(413);
    expect(outcomes[0]!.err).toBeInstanceOf(PayloadTooLargeError);
  });

  it('a refusal from the budget stops the read and leaves the rest of the body unread', async () => {
    const { port, outcomes } = await serve((req) =>
      readIncoming(req, undefined, 10_000_000, (n) => {
        if (n > 100_000) throw new SaturatedError();
      }),
    );
    const chunks = Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024));
    expect(await post(port, chunks)).toBe(503);
    expect(outcomes[0]!.err).toBeInstanceOf(SaturatedError);
    expect(outcomes[0]!.complete).toBe(false);
  });

  it('a client that goes away mid-body rejects the read with ECONNRESET', async () => {
    let rejected: (err: unknown) => void = () => {};
    const failure = new Promise((r) => {
      rejected = r;
    });
    const { port } = await serve((req) => {
      const read = readIncoming(req, undefined, 10_000_000);
      read.catch(rejected);
      return read;
    });
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/' });
    req.on('error', () => {});
    req.write(Buffer.alloc(1000));
    // Wait until the server has the first bytes, then drop the connection.
    await new Promise<void>((r) => req.once('socket', (s) => s.once('connect', () => r())));
    req.destroy();
    const err = (await failure) as NodeJS.ErrnoException;
    expect(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE']).toContain(err.code);
  });
});

describe('unreadIncoming', () => {
  it('is the Node request only while nothing has read its body', async () => {
    const decisions: boolean[] = [];
    const { port } = await serve(async (req) => {
      decisions.push(unreadIncoming({ incoming: req }) === req);
      const body = await readIncoming(req, req.headers['content-length'], 1000);
      decisions.push(unreadIncoming({ incoming: req }) === req);
      return body;
    });
    expect(await post(port, [Buffer.alloc(10)], 10)).toBe(200);
    expect(decisions).toEqual([true, false]);
    expect(unreadIncoming(undefined)).toBeUndefined();
    expect(unreadIncoming({})).toBeUndefined();
  });
});
