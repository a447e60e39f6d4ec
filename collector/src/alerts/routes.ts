import { Hono } from 'hono';
import type {
  AlertHistoryResponse,
  AlertPreviewResponse,
  AlertRulesResponse,
  AlertsResponse,
} from '../api/types.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf, requireInstanceAdmin } from '../middleware/project-scope.js';
import { decodeCursor, encodeCursor, parseLimit, parseName, parseRange } from '../query/params.js';
import type { Db } from '../storage/db.js';
import type { SignalEvaluator } from './contract.js';
import type { EvaluatorStats } from './evaluator.js';
import { replayRule } from './preview.js';
import { type createRuleSchema, parseRuleSpec, ruleTiming } from './rule-schema.js';
import type { RulesRepo } from './rules-repo.js';
import type { StateRepo } from './state-repo.js';
import { alertView, historyView, ruleView } from './views.js';

/** What the alert routes read and write. */
export interface AlertRoutesDeps<S> {
  db: Db;
  schema: ReturnType<typeof createRuleSchema<S>>;
  rules: RulesRepo<S>;
  states: StateRepo;
  signals: SignalEvaluator<S>;
  /** The local evaluator: told when rules change, asked for its figures. */
  evaluator: { invalidate(): void; stats(): EvaluatorStats };
  /** Ids of the project's channels (a rule may only name those). */
  channelIds(project: string): Promise<ReadonlySet<string>>;
}

/**
 * Refuses a rule naming a channel the project does not have (`channels.N`): such a rule
 * would fire into nothing, and the mistake shows only when it matters.
 */
async function checkChannels<S>(deps: AlertRoutesDeps<S>, project: string, ids: string[]) {
  if (ids.length === 0) return;
  const known = await deps.channelIds(project);
  const k = ids.findIndex((id) => !known.has(id));
  if (k >= 0)
    throw new BadRequestError(
      `channels.${k}: no channel "${ids[k]!.slice(0, 128)}" in project ${project} (create it at /api/v1/channels first)`,
      `channels.${k}`,
    );
}

/** Most points a preview returns: the step grows with the range to stay under it. */
const MAX_PREVIEW_POINTS = 500;

async function jsonBody(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new BadRequestError('body must be a JSON alert rule (docs/api.md "Alerts")');
  }
}

/**
 * `/api/v1/alert-rules`: CRUD per project (`?project=`, default `default`) and
 * `POST /preview` (a draft replayed over a past range, not saved).
 */
export function alertRuleRoutes<S>(deps: AlertRoutesDeps<S>) {
  const { schema, rules, evaluator } = deps;
  const app = new Hono<AppEnv>();
  app.post('/preview', async function previewRule(c) {
    const project = projectOf(c);
    const body = await jsonBody(c);
    // A draft may not be named yet.
    const draft =
      body && typeof body === 'object' && !Array.isArray(body) && !('name' in body)
        ? { ...body, name: 'preview' }
        : body;
    const spec = parseRuleSpec(schema, draft);
    const timing = ruleTiming(spec);
    const range = parseRange(c.req.query(), Math.max(3_600_000, 12 * timing.windowMs));
    const stepMs = Math.max(
      timing.intervalMs,
      Math.ceil((range.toMs - range.fromMs) / MAX_PREVIEW_POINTS),
    );
    const series = await deps.signals.series(
      { db: deps.db, project },
      spec.signal,
      timing.windowMs,
      {
        ...range,
        stepMs,
      },
    );
    const replay = replayRule(series, spec.condition, {
      ...timing,
      noDataState: spec.noDataState,
      errorState: spec.errorState,
    });
    const out: AlertPreviewResponse = {
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      stepMs,
      windowMs: timing.windowMs,
      condition: spec.condition ?? null,
      points: replay.points,
      firing: replay.firing,
    };
    return c.json(out);
  });
  app.post('/', async function createRule(c) {
    const project = projectOf(c);
    const spec = parseRuleSpec(schema, await jsonBody(c));
    await checkChannels(deps, project, spec.channels);
    const rule = await rules.create(project, spec);
    evaluator.invalidate();
    return c.json(ruleView(rule), 201);
  });
  app.get('/', async function listRules(c) {
    const project = projectOf(c);
    const out: AlertRulesResponse = { rules: (await rules.list(project)).map(ruleView) };
    return c.json(out);
  });
  app.get('/:id', async function getRule(c) {
    const project = projectOf(c);
    const id = c.req.param('id');
    const rule = await rules.get(project, id);
    if (!rule) throw new NotFoundError(`no alert rule ${id}`);
    return c.json(ruleView(rule));
  });
  app.put('/:id', async function replaceRule(c) {
    const project = projectOf(c);
    const id = c.req.param('id');
    const spec = parseRuleSpec(schema, await jsonBody(c));
    await checkChannels(deps, project, spec.channels);
    const rule = await rules.update(project, id, spec);
    if (!rule) throw new NotFoundError(`no alert rule ${id}`);
    evaluator.invalidate();
    return c.json(ruleView(rule));
  });
  app.delete('/:id', async function deleteRule(c) {
    const project = projectOf(c);
    const id = c.req.param('id');
    if (!(await rules.remove(project, id))) throw new NotFoundError(`no alert rule ${id}`);
    evaluator.invalidate();
    return c.body(null, 204);
  });
  return app;
}

const STATES = new Set(['inactive', 'pending', 'firing', 'resolved', 'no_data', 'error']);

/**
 * `/api/v1/alerts`: the current alert of each rule (`?state=firing,pending` filters),
 * `/history` (newest first, paged with `limit` and `cursor`, `?ruleId=`), `/evaluator`
 * (this collector's evaluator: leases held, evaluations, lag).
 */
export function alertRoutes<S>(deps: AlertRoutesDeps<S>) {
  const { rules, states } = deps;
  const app = new Hono<AppEnv>();
  app.get('/', async function listAlerts(c) {
    const project = projectOf(c);
    const wanted = c.req.query('state')?.split(',').filter(Boolean);
    for (const s of wanted ?? [])
      if (!STATES.has(s))
        throw new BadRequestError(
          `state must be a list of ${[...STATES].join(', ')}; got "${s.slice(0, 40)}"`,
          'state',
        );
    const [all, current] = await Promise.all([rules.list(project), states.list(project)]);
    const byRule = new Map(current.map((s) => [s.ruleId, s]));
    const alerts = all
      .map((r) => alertView(r, byRule.get(r.id)))
      .filter((a) => !wanted || wanted.includes(a.state));
    const out: AlertsResponse = { alerts };
    return c.json(out);
  });
  app.get('/history', async function alertHistory(c) {
    const project = projectOf(c);
    const limit = parseLimit(c.req.query('limit'), 50, 1000);
    const ruleId = parseName(c.req.query('ruleId'), 'ruleId');
    const after = decodeCursor(c.req.query('cursor'), ['number', 'string', 'number']) as
      | [number, string, number]
      | undefined;
    const rows = await states.history(project, { ruleId, limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const out: AlertHistoryResponse = {
      entries: page.map(historyView),
      nextCursor:
        rows.length > limit && last ? encodeCursor([last.timeMs, last.ruleId, last.seq]) : null,
    };
    return c.json(out);
  });
  app.get('/evaluator', function evaluatorStats(c) {
    // The evaluator's figures span every project's rules: the instance admin's to read.
    requireInstanceAdmin(c);
    return c.json(deps.evaluator.stats());
  });
  return app;
}
