import http from 'node:http';
import https from 'node:https';

/** One HTTP answer (or transport failure) to an export request. */
export interface SendResponse {
  /** HTTP status, or 0 when no answer came (connection refused, timeout, reset). */
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: Uint8Array;
  readonly error?: string;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 1 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 1 }),
};

/**
 * POSTs a body with node:http (one keep-alive socket; lighter than loading fetch/undici in a
 * process whose budget is tens of megabytes). Never rejects: failures come back as status 0.
 */
export function postBody(
  url: URL,
  body: Uint8Array,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResponse> {
  return new Promise((resolve) => {
    const mod = url.protocol === 'https:' ? https : http;
    let done = false;
    const finish = (r: SendResponse) => {
      if (!done) {
        done = true;
        resolve(r);
      }
    };
    const req = mod.request(
      url,
      {
        method: 'POST',
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        headers: { ...headers, 'content-length': String(body.length) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          finish({
            status: res.statusCode ?? 0,
            retryAfter: header(res.headers['retry-after']),
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', (err) =>
          finish({ status: 0, retryAfter: undefined, body: new Uint8Array(), error: err.message }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) =>
      finish({ status: 0, retryAfter: undefined, body: new Uint8Array(), error: err.message }),
    );
    req.end(body);
  });
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Closes idle keep-alive sockets (at shutdown). */
export function closeIdleSockets(): void {
  agents.http.destroy();
  agents.https.destroy();
}
