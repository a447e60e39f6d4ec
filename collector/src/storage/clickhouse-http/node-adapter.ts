import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawHttpRequest } from './request.js';
import type { ClickHouseHttpAnswer } from './response.js';

/**
 * Reads a `node:http` request into the shape {@link parseClickHouseRequest} takes.
 * `maxBytes` bounds the body held in memory (the caller answers QUERY_IS_TOO_LARGE).
 */
export async function readRawRequest(
  req: IncomingMessage,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<RawHttpRequest | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return 'too_large';
    chunks.push(chunk);
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', 'http://localhost'),
    headers,
    body: Buffer.concat(chunks),
  };
}

/** Writes an answer to a `node:http` response. */
export function writeAnswer(res: ServerResponse, answer: ClickHouseHttpAnswer): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
  res.end(answer.body);
}
