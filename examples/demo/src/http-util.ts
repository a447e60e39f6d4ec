import type { IncomingMessage, ServerResponse } from 'node:http';
import OpenAI from 'openai';

/** A model input failed validation (answered 422). */
export class FeatureValidationError extends Error {
  override name = 'FeatureValidationError';
}
/** An error with an HTTP status for the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status a handler error is answered with. */
export function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  if (err instanceof FeatureValidationError) return 422;
  if (err instanceof OpenAI.RateLimitError) return 429;
  if (err instanceof OpenAI.APIError) return 502;
  return 500;
}

/** Sends an answer as JSON or as a one-event SSE stream. */
export function sendAnswer(res: ServerResponse, stream: boolean, text: string): void {
  if (!stream) return sendJson(res, 200, { answer: text });
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(`data: ${JSON.stringify({ delta: text })}\n\ndata: [DONE]\n\n`);
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Reads a JSON object body; 400 when it is not JSON. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}
