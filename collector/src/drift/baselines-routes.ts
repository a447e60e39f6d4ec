import { Hono } from 'hono';
import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { parseTime } from '../query/params.js';
import type { BaselineSettings, BaselineSource, BaselinesRepo } from './baselines-repo.js';

const NAME = z.string().min(1).max(256);
const TIME = z.union([z.string(), z.number()]);

/** `POST /api/v1/drift/baselines` body: a model version or a time range (not both). */
const CreateSchema = z
  .object({
    name: NAME,
    model: NAME,
    version: NAME.optional(),
    from: TIME.optional(),
    to: TIME.optional(),
    default: z.boolean().optional(),
    thresholds: z.enum(['fixed', 'reference']).optional(),
  })
  .strict();

/** A baseline's settings, as `PATCH /baselines/:id` and the create bodies give them. */
const SettingsSchema = z
  .object({
    default: z.boolean().optional(),
    thresholds: z.enum(['fixed', 'reference']).optional(),
  })
  .strict();

function fail(error: z.ZodError): never {
  const issue = error.issues[0]!;
  throw new BadRequestError(issue.message, issue.path.join('.') || undefined);
}

/** Parses `{"default"?, "thresholds"?}`; errors name the field. */
export function parseSettings(json: unknown): Partial<BaselineSettings> {
  const parsed = SettingsSchema.safeParse(json);
  if (!parsed.success) fail(parsed.error);
  const out: Partial<BaselineSettings> = {};
  if (parsed.data.default !== undefined) out.isDefault = parsed.data.default;
  if (parsed.data.thresholds !== undefined) out.thresholds = parsed.data.thresholds;
  return out;
}

/** Parses and checks a create body; errors name the field. */
export function parseCreate(json: unknown): {
  name: string;
  model: string;
  from: BaselineSource;
  settings: Partial<BaselineSettings>;
} {
  const parsed = CreateSchema.safeParse(json);
  if (!parsed.success) fail(parsed.error);
  const b = parsed.data;
  const settings = parseSettings({ default: b.default, thresholds: b.thresholds });
  const range = b.from !== undefined || b.to !== undefined;
  if (b.version !== undefined && range)
    throw new BadRequestError('give either version or from/to, not both', 'version');
  if (b.version !== undefined)
    return {
      name: b.name,
      model: b.model,
      from: { source: 'version', version: b.version },
      settings,
    };
  if (b.from === undefined) throw new BadRequestError('version or from/to is required', 'from');
  if (b.to === undefined) throw new BadRequestError('to is required with from', 'to');
  const fromMs = parseTime(String(b.from), 'from');
  const toMs = parseTime(String(b.to), 'to');
  if (fromMs >= toMs) throw new BadRequestError('from must be before to', 'from');
  return { name: b.name, model: b.model, from: { source: 'range', fromMs, toMs }, settings };
}

/**
 * `GET /api/v1/drift/baselines`, `GET`/`PATCH`/`DELETE /api/v1/drift/baselines/:id`
 * (docs/api.md "Drift"). `POST` is {@link baselineCreateRoutes}, mounted ahead of the API's
 * body limit since it takes uploads.
 */
export function baselineRoutes(repo: BaselinesRepo) {
  const app = new Hono<AppEnv>();
  app.get('/', async function listBaselines(c) {
    const project = projectOf(c);
    return c.json({ baselines: await repo.list(project) });
  });
  app.get('/:id', async function getBaseline(c) {
    const project = projectOf(c);
    const id = c.req.param('id');
    const b = await repo.get(project, id);
    if (!b) throw new NotFoundError(`no baseline ${id}`);
    return c.json({ ...b, features: await repo.counts(project, id) });
  });
  app.patch('/:id', async function updateBaseline(c) {
    const project = projectOf(c);
    const id = c.req.param('id');
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new BadRequestError(
        'body must be JSON: {"default"?: boolean, "thresholds"?: "fixed" | "reference"}',
      );
    }
    const b = await repo.update(project, id, parseSettings(json));
    if (!b) throw new NotFoundError(`no baseline ${id}`);
    return c.json({ ...b, features: await repo.counts(project, id) });
  });
  app.delete('/:id', async function deleteBaseline(c) {
    const project = projectOf(c);
    const id = c.req.param('id');
    if (!(await repo.remove(project, id))) throw new NotFoundError(`no baseline ${id}`);
    return c.body(null, 204);
  });
  return app;
}
