import { Hono } from 'hono';
import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { parseProject, parseTime } from '../query/params.js';
import type { BaselineSource, BaselinesRepo } from './baselines-repo.js';

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
  })
  .strict();

/** Parses and checks a create body; errors name the field. */
export function parseCreate(json: unknown): { name: string; model: string; from: BaselineSource } {
  const parsed = CreateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadRequestError(issue.message, issue.path.join('.') || undefined);
  }
  const b = parsed.data;
  const range = b.from !== undefined || b.to !== undefined;
  if (b.version !== undefined && range)
    throw new BadRequestError('give either version or from/to, not both', 'version');
  if (b.version !== undefined)
    return { name: b.name, model: b.model, from: { source: 'version', version: b.version } };
  if (b.from === undefined) throw new BadRequestError('version or from/to is required', 'from');
  if (b.to === undefined) throw new BadRequestError('to is required with from', 'to');
  const fromMs = parseTime(String(b.from), 'from');
  const toMs = parseTime(String(b.to), 'to');
  if (fromMs >= toMs) throw new BadRequestError('from must be before to', 'from');
  return { name: b.name, model: b.model, from: { source: 'range', fromMs, toMs } };
}

/**
 * `POST`/`GET /api/v1/drift/baselines`, `GET`/`DELETE /api/v1/drift/baselines/:id`
 * (docs/api.md "Drift"). A baseline with no values (nothing matched) is refused, since it
 * could never give a verdict.
 */
export function baselineRoutes(repo: BaselinesRepo) {
  const app = new Hono<AppEnv>();
  app.post('/', async function createBaseline(c) {
    const project = parseProject(c.req.query('project'));
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new BadRequestError(
        'body must be JSON: {"name", "model", "version"} or {"name", "model", "from", "to"}',
      );
    }
    const req = parseCreate(json);
    const { baseline, values } = await repo.create(project, req.name, req.model, req.from);
    if (values === 0) {
      await repo.remove(project, baseline.id);
      throw new BadRequestError(
        `no feature or prediction values of model "${req.model}" for that ${req.from.source}`,
        req.from.source === 'version' ? 'version' : 'from',
      );
    }
    return c.json({ ...baseline, features: await repo.counts(project, baseline.id) }, 201);
  });
  app.get('/', async function listBaselines(c) {
    const project = parseProject(c.req.query('project'));
    return c.json({ baselines: await repo.list(project) });
  });
  app.get('/:id', async function getBaseline(c) {
    const project = parseProject(c.req.query('project'));
    const id = c.req.param('id');
    const b = await repo.get(project, id);
    if (!b) throw new NotFoundError(`no baseline ${id}`);
    return c.json({ ...b, features: await repo.counts(project, id) });
  });
  app.delete('/:id', async function deleteBaseline(c) {
    const project = parseProject(c.req.query('project'));
    const id = c.req.param('id');
    if (!(await repo.remove(project, id))) throw new NotFoundError(`no baseline ${id}`);
    return c.body(null, 204);
  });
  return app;
}
