import type { Context } from 'hono';
import type { z } from 'zod';
import { BadRequestError } from '../errors.js';
import { parseTime } from '../query/params.js';

/**
 * Reads a JSON body and validates it with `schema`; the first problem becomes a 400 naming
 * its field. An empty body counts as `{}` when `emptyOk` (rotation takes optional fields only).
 */
export async function readBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  shape: string,
  emptyOk = false,
): Promise<z.output<S>> {
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== '' || !emptyOk) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new BadRequestError(`body must be JSON: ${shape}`);
    }
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const field = [path, issue.keys[0]].filter(Boolean).join('.');
    throw new BadRequestError(`unknown field ${field}; expected ${shape}`, field);
  }
  throw new BadRequestError(path ? `${path}: ${issue.message}` : issue.message, path || undefined);
}

/**
 * An optional expiry (ISO 8601 or Unix ms) as Unix ms: undefined when absent or null, a 400
 * naming `field` when it is not a time or not in the future.
 */
export function parseExpiry(
  value: string | number | null | undefined,
  field = 'expiresAt',
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = parseTime(String(value), field);
  if (ms <= Date.now()) throw new BadRequestError(`${field} must be in the future`, field);
  return ms;
}

/** Unix ms as ISO 8601, or null. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
