import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from '../errors.js';
import { accountDeclared, type BodyAccount } from './http.js';

/**
 * The Node request under a Hono context (`c.env.incoming` on @hono/node-server) when its
 * body can be read from it directly: nothing has read from it yet (a body read through
 * `c.req.raw.body` must go on that way). Undefined otherwise, and under `app.request()`.
 */
export function unreadIncoming(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function') return undefined;
  if (incoming.readableDidRead || incoming.readableEnded || incoming.destroyed) return undefined;
  return incoming;
}

/**
 * Reads an uncompressed request body of at most `limit` bytes from Node's request stream,
 * as `readBody` does from the web stream (same errors, same `account` calls: the declared
 * `Content-Length` up front, then the total after each chunk). Measured on the ingest path,
 * the web stream costs more JavaScript per request than the rest of the read: @hono/node-server
 * builds a `Request`, an `AbortController` and two `ReadableStream`s around the Node stream,
 * and every chunk goes through a reader promise. On a refusal it stops reading and leaves
 * the rest of the body unread: the server throws it away after the answer.
 *
 * @throws PayloadTooLargeError (413) past `limit`; whatever `account` throws (503)
 */
export async function readIncoming(
  incoming: IncomingMessage,
  contentLength: string | undefined,
  limit: number,
  account: BodyAccount = () => {},
): Promise<Uint8Array> {
  accountDeclared(contentLength, limit, account);
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const detach = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const fail = (err: unknown) => {
      detach();
      incoming.pause();
      reject(err);
    };
    function onData(chunk: Buffer) {
      total += chunk.length;
      try {
        if (total > limit) throw new PayloadTooLargeError(limit);
        account(total);
      } catch (err) {
        fail(err);
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      detach();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    }
    // A client that goes away mid-body: Node destroys the request with ECONNRESET.
    function onError(err: Error) {
      fail(err);
    }
    function onClose() {
      // 'close' without 'end' and without 'error': the request was destroyed under us.
      const err = new Error('the request closed before its body ended') as NodeJS.ErrnoException;
      err.code = 'ERR_STREAM_PREMATURE_CLOSE';
      fail(err);
    }
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}
