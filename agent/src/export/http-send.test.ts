import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { gauge } from '../metrics/model.js';
import { DiskQueue } from './disk-queue.js';
import { Exporter } from './exporter.js';
import { MAX_RESPONSE_BYTES, postBody } from './http-send.js';
import { encodeMetricsRequest } from './otlp-encode.js';

/** A collector on 127.0.0.1 that answers with whatever `handle` writes. */
interface BadCollector {
  url: URL;
  /** Bytes the server managed to write into answers' bodies. */
  written: number;
  /** Resolves when the client has closed the connection of the first answer. */
  clientClosed: Promise<void>;
  close(): Promise<void>;
}

let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  servers = [];
});

async function badCollector(
  handle: (res: ServerResponse, state: BadCollector, req: IncomingMessage) => void,
): Promise<BadCollector> {
  let onClosed: () => void = () => {};
  const state: BadCollector = {
    url: new URL('http://127.0.0.1/'),
    written: 0,
    clientClosed: new Promise((r) => {
      onClosed = r;
    }),
    close: async () => {},
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(res, state, req));
    res.on('close', onClosed);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`);
  return state;
}

/** Writes 16 KiB chunks for as long as the client reads them: an endless body. */
function endless(res: ServerResponse, state: BadCollector): void {
  const chunk = Buffer.alloc(16 * 1024, 'x');
  const pump = () => {
    while (!res.destroyed) {
      state.written += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

const send = (url: URL, timeoutMs = 10_000) =>
  postBody(url, Buffer.from('x'), { 'content-type': 'application/x-protobuf' }, timeoutMs);

describe('postBody reads at most 64 KiB of the collector answer', () => {
  it('stops reading an endless 200 body at the cap and keeps the status', async () => {
    const c = await badCollector((res, state) => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      endless(res, state);
    });
    const r = await send(c.url);
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(r.bodyError).toMatch(/over the 65536-byte limit/);
    await c.clientClosed;
    // The server got rid of more than the cap (kernel buffers take some); the agent kept none.
    expect(c.written).toBeGreaterThan(MAX_RESPONSE_BYTES);
  });

  it('keeps a 503 and its Retry-After when the body is endless', async () => {
    const c = await badCollector((res, state) => {
      res.writeHead(503, { 'retry-after': '7' });
      endless(res, state);
    });
    const r = await send(c.url);
    expect(r).toMatchObject({ status: 503, retryAfter: '7', bodyError: expect.any(String) });
  });

  it('does not read an answer that declares more than the cap', async () => {
    const c = await badCollector((res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 ** 3) });
      res.write(Buffer.alloc(1024));
    });
    const r = await send(c.url);
    expect(r.status).toBe(200);
    expect(r.bodyError).toMatch(/10737418240 bytes is over/);
  });

  it('gives up on an answer that drips in slower than the timeout', async () => {
    const c = await badCollector((res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write('x'), 20);
      res.on('close', () => clearInterval(t));
    });
    const r = await send(c.url, 500);
    expect(r.status).toBe(200);
    expect(r.bodyError).toMatch(/no complete answer within 500 ms/);
  });

  it('reads a normal answer whole', async () => {
    const c = await badCollector((res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"code":3,"message":"bad"}');
    });
    const r = await send(c.url);
    expect(r.status).toBe(400);
    expect(Buffer.from(r.body).toString()).toBe('{"code":3,"message":"bad"}');
    expect(r.bodyError).toBeUndefined();
  });

  it('an answer of exactly the cap is read whole', async () => {
    const c = await badCollector((res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(MAX_RESPONSE_BYTES, 0));
    });
    const r = await send(c.url);
    expect(r.body.length).toBe(MAX_RESPONSE_BYTES);
    expect(r.bodyError).toBeUndefined();
  });
});

describe('the exporter against a collector with an endless answer', () => {
  it('counts the export as sent (the status is 200) and does not buffer or retry it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiobs-http-'));
    try {
      const c = await badCollector((res, state) => {
        res.writeHead(200);
        endless(res, state);
      });
      const logs: string[] = [];
      const exporter = new Exporter({
        url: c.url.href,
        headers: {},
        timeoutMs: 10_000,
        compression: 'none',
        queue: await DiskQueue.open(join(dir, 'buffer'), { maxBytes: 1 << 20, maxAgeMs: 60_000 }),
        logger: createLogger('debug', (l) => logs.push(l)),
      });
      const body = encodeMetricsRequest({ 'host.name': 'h' }, { name: 'a', version: '1' }, [
        {
          timeMs: Date.now(),
          metrics: [gauge('system.uptime', 's', [{ attributes: {}, value: 1 }])],
        },
      ]);
      await exporter.export(body, Date.now());
      expect(exporter.stats).toMatchObject({ sent: 1, buffered: 0, failures: 0 });
      expect(exporter.backlog).toBe(0);
      expect(logs.join('')).toContain('collector answer body ignored');
      exporter.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
