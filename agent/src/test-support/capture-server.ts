/**
 * Test support: a local HTTP server standing in for the collector's /v1/metrics. It records
 * each request (headers, decompressed body) and answers from a script of responses.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Body after undoing Content-Encoding. */
  readonly body: Buffer;
}

export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array | string;
}

export interface CaptureServer {
  readonly url: string;
  readonly port: number;
  readonly requests: CapturedRequest[];
  /** Responses to give, in order; once used up, `fallback` answers. */
  respond(...r: ScriptedResponse[]): void;
  fallback: ScriptedResponse;
  close(): Promise<void>;
}

/** Starts a capture server on 127.0.0.1 (port 0 = any free port). */
export async function startCaptureServer(port = 0): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const script: ScriptedResponse[] = [];
  const state = { fallback: { status: 200 } as ScriptedResponse };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const r = script.shift() ?? state.fallback;
      res.writeHead(r.status, { 'content-type': 'application/x-protobuf', ...(r.headers ?? {}) });
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    respond: (...r) => script.push(...r),
    get fallback() {
      return state.fallback;
    },
    set fallback(r: ScriptedResponse) {
      state.fallback = r;
    },
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}
