import http from 'node:http';
import https from 'node:https';

/** One HTTP answer (or transport failure) to an export request. */
export interface SendResponse {
  /** HTTP status, or 0 when no answer came (connection refused, timeout, reset). */
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: Uint8Array;
  readonly error?: string;
  /**
   * Set when the answer's status arrived but its body was not read to the end (over
   * {@link MAX_RESPONSE_BYTES}, too slow, or cut off): `body` is then empty and the status
   * alone decides, as the OTLP spec lets a client do.
   */
  readonly bodyError?: string;
}

/**
 * Most bytes of a collector's answer the agent reads. An OTLP answer is a status or a
 * partial_success message of a few hundred bytes; a broken or hostile collector must not
 * make the agent buffer an endless body.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;

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
  maxResponseBytes = MAX_RESPONSE_BYTES,
): Promise<SendResponse> {
  return new Promise((resolve) => {
    const mod = url.protocol === 'https:' ? https : http;
    let done = false;
    // The socket timeout below only fires on silence; this bounds the whole exchange, so a
    // collector that drips its answer a byte at a time cannot hold the exporter forever.
    const deadline = setTimeout(
      () => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    deadline.unref();
    const finish = (r: SendResponse) => {
      if (!done) {
        done = true;
        clearTimeout(deadline);
        resolve(r);
      }
    };
    // Set once the status line arrived: from then on a failure only loses the body.
    let answered: { status: number; retryAfter: string | undefined } | undefined;
    const failed = (err: Error) =>
      finish(
        answered
          ? { ...answered, body: new Uint8Array(), bodyError: err.message }
          : { status: 0, retryAfter: undefined, body: new Uint8Array(), error: err.message },
      );
    const req = mod.request(
      url,
      {
        method: 'POST',
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        headers: { ...headers, 'content-length': String(body.length) },
        timeout: timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const retryAfter = header(res.headers['retry-after']);
        answered = { status, retryAfter };
        // The status is the collector's verdict on the data; a body that cannot be read
        // leaves it standing (retrying a 200 would send the data twice).
        const withoutBody = (why: string) => {
          finish({ status, retryAfter, body: new Uint8Array(), bodyError: why });
          res.destroy();
        };
        const declared = Number(res.headers['content-length']);
        if (declared > maxResponseBytes) {
          withoutBody(`answer of ${declared} bytes is over the ${maxResponseBytes}-byte limit`);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxResponseBytes) {
            chunks.length = 0;
            withoutBody(`answer is over the ${maxResponseBytes}-byte limit; stopped reading`);
          } else chunks.push(c);
        });
        res.on('end', () => finish({ status, retryAfter, body: Buffer.concat(chunks) }));
        res.on('error', (err) => withoutBody(err.message));
        res.on('close', () => {
          if (!res.complete) withoutBody('answer cut off');
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', failed);
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
