import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type {
  Silence as ApiSilence,
  MaintenanceWindow as ApiWindow,
  MaintenanceWindowsResponse,
  SilencesResponse,
} from '../../api/types.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import type { AppEnv } from '../../middleware/auth.js';
import { projectOf } from '../../middleware/project-scope.js';
import type { MaintenanceRepo, MaintenanceWindow } from './maintenance-repo.js';
import { matcherSchema } from './matchers.js';
import { parseBody } from './parse-body.js';
import { isActive, recurrenceSchema, type Schedule } from './schedule.js';
import type { Silence, SilencesRepo } from './silences-repo.js';

const TIME = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 time such as 2026-01-01T00:00:00Z',
});

const silenceSchema = z
  .object({
    matchers: z.array(matcherSchema).min(1, 'at least one matcher').max(32),
    startsAt: TIME.optional(),
    endsAt: TIME,
    comment: z.string().min(1).max(1024),
    createdBy: z.string().max(256).default(''),
  })
  .strict();

const windowSchema = z
  .object({
    name: z.string().min(1).max(256),
    matchers: z.array(matcherSchema).max(32).default([]),
    startsAt: TIME.optional(),
    endsAt: TIME.optional(),
    recurrence: recurrenceSchema.optional(),
  })
  .strict();

/** Alertmanager's silence states. */
function silenceView(s: Silence, now = Date.now()): ApiSilence {
  const state =
    now < Date.parse(s.startsAt) ? 'pending' : now < Date.parse(s.endsAt) ? 'active' : 'expired';
  return { ...s, status: { state } };
}

function windowView(w: MaintenanceWindow, now = Date.now()): ApiWindow {
  const { schedule, ...rest } = w;
  const when =
    schedule.kind === 'once'
      ? { startsAt: schedule.startsAt, endsAt: schedule.endsAt }
      : {
          recurrence: {
            days: schedule.days,
            start: schedule.start,
            end: schedule.end,
            timezone: schedule.timezone,
          },
        };
  return { ...rest, ...when, active: isActive(schedule, now) };
}

/**
 * `/api/v1/silences`: create (matchers, `startsAt` default now, `endsAt`, `comment`,
 * `createdBy`), list, get, and `DELETE /:id`, which expires the silence now as Alertmanager's
 * does (it stays listed as expired).
 */
export function silenceRoutes(repo: SilencesRepo) {
  const app = new Hono<AppEnv>();
  app.post('/', async function createSilence(c) {
    const project = projectOf(c);
    const b = await parseBody(
      c,
      silenceSchema,
      '{"matchers": ["name=\\"value\\""], "startsAt"?, "endsAt", "comment", "createdBy"?}',
    );
    const startsAt = new Date(b.startsAt ?? Date.now()).toISOString();
    const endsAt = new Date(b.endsAt).toISOString();
    if (Date.parse(endsAt) <= Date.parse(startsAt))
      throw new BadRequestError('endsAt must be after startsAt', 'endsAt');
    if (Date.parse(endsAt) <= Date.now())
      throw new BadRequestError('endsAt must be in the future', 'endsAt');
    const s = await repo.create(project, {
      matchers: b.matchers,
      startsAt,
      endsAt,
      comment: b.comment,
      createdBy: b.createdBy,
    });
    return c.json(silenceView(s), 201);
  });
  app.get('/', async function listSilences(c) {
    const project = projectOf(c);
    const out: SilencesResponse = {
      silences: (await repo.list(project)).map((s) => silenceView(s)),
    };
    return c.json(out);
  });
  app.get('/:id', async function getSilence(c) {
    const s = await repo.get(projectOf(c), c.req.param('id'));
    if (!s) throw new NotFoundError(`no silence ${c.req.param('id')}`);
    return c.json(silenceView(s));
  });
  app.delete('/:id', async function expireSilence(c) {
    const s = await repo.expire(projectOf(c), c.req.param('id'));
    if (!s) throw new NotFoundError(`no silence ${c.req.param('id')}`);
    return c.json(silenceView(s));
  });
  return app;
}

/** A window's schedule from its body: `startsAt`/`endsAt` (one-off) or `recurrence` (weekly). */
function scheduleOf(b: z.output<typeof windowSchema>): Schedule {
  if (b.recurrence) {
    if (b.startsAt !== undefined || b.endsAt !== undefined)
      throw new BadRequestError(
        'give either startsAt/endsAt or recurrence, not both',
        'recurrence',
      );
    return { kind: 'weekly', ...b.recurrence };
  }
  if (b.startsAt === undefined)
    throw new BadRequestError('startsAt/endsAt or recurrence is required', 'startsAt');
  if (b.endsAt === undefined)
    throw new BadRequestError('endsAt is required with startsAt', 'endsAt');
  const startsAt = new Date(b.startsAt).toISOString();
  const endsAt = new Date(b.endsAt).toISOString();
  if (Date.parse(endsAt) <= Date.parse(startsAt))
    throw new BadRequestError('endsAt must be after startsAt', 'endsAt');
  return { kind: 'once', startsAt, endsAt };
}

/**
 * `/api/v1/maintenance-windows`: CRUD of named one-off (`startsAt`, `endsAt`) or weekly
 * (`recurrence: {days, start, end, timezone}`) windows that mute the alerts their
 * `matchers` select (every alert of the project when there are none).
 */
export function maintenanceRoutes(repo: MaintenanceRepo) {
  const app = new Hono<AppEnv>();
  const SHAPE =
    '{"name", "matchers"?, "startsAt", "endsAt"} or {"name", "matchers"?, "recurrence": {"days", "start", "end", "timezone"?}}';
  const read = async (c: Context) => {
    const b = await parseBody(c, windowSchema, SHAPE);
    return { name: b.name, matchers: b.matchers, schedule: scheduleOf(b) };
  };
  app.post('/', async function createWindow(c) {
    const project = projectOf(c);
    return c.json(windowView(await repo.create(project, await read(c))), 201);
  });
  app.get('/', async function listWindows(c) {
    const project = projectOf(c);
    const out: MaintenanceWindowsResponse = {
      windows: (await repo.list(project)).map((w) => windowView(w)),
    };
    return c.json(out);
  });
  app.get('/:id', async function getWindow(c) {
    const w = await repo.get(projectOf(c), c.req.param('id'));
    if (!w) throw new NotFoundError(`no maintenance window ${c.req.param('id')}`);
    return c.json(windowView(w));
  });
  app.put('/:id', async function updateWindow(c) {
    const project = projectOf(c);
    const w = await repo.update(project, c.req.param('id'), await read(c));
    if (!w) throw new NotFoundError(`no maintenance window ${c.req.param('id')}`);
    return c.json(windowView(w));
  });
  app.delete('/:id', async function deleteWindow(c) {
    if (!(await repo.remove(projectOf(c), c.req.param('id'))))
      throw new NotFoundError(`no maintenance window ${c.req.param('id')}`);
    return c.body(null, 204);
  });
  return app;
}
