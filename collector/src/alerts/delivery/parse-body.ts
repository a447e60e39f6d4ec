import type { Context } from 'hono';
import type { z } from 'zod';
import { BadRequestError } from '../../errors.js';

/**
 * Reads a JSON body and validates it; the first problem becomes a 400 naming its field
 * (`matchers.0`, `groupWait`), and a body that is not JSON a 400 with the expected shape.
 */
export async function parseBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  shape: string,
): Promise<z.output<S>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new BadRequestError(`body must be JSON: ${shape}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const field = [path, issue.keys[0]].filter(Boolean).join('.');
      throw new BadRequestError(`unknown field ${field}; expected ${shape}`, field);
    }
    throw new BadRequestError(
      path ? `${path}: ${issue.message}` : issue.message,
      path || undefined,
    );
  }
  return parsed.data;
}
