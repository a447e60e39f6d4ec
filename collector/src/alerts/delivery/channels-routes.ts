import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type {
  Channel,
  ChannelCreated,
  ChannelHealth,
  ChannelsResponse,
  ChannelTestResponse,
} from '../../api/types.js';
import { NotFoundError } from '../../errors.js';
import type { AppEnv } from '../../middleware/auth.js';
import { projectOf } from '../../middleware/project-scope.js';
import { type ChannelSpec, channelSchema } from './channel-schema.js';
import type { ChannelsRepo, StoredChannel } from './channels-repo.js';
import { RENDERERS } from './formats.js';
import { buildMessage, ZERO_TIME } from './message.js';
import type { Attempt, Delivery, OutboxRepo } from './outbox-repo.js';
import { parseBody } from './parse-body.js';
import type { AttemptReport } from './sender.js';

/** Consecutive failed attempts after which a channel is reported as `failing`. */
export const FAILING_AFTER = 3;

const SHAPE =
  '{"name", "type": "webhook", "url", "format"?, "template"?, "headers"?, "matchers"?, "groupBy"?, "groupWait"?, "groupInterval"?, "repeatInterval"?}';

/** A channel's delivery health from its latest attempts (newest first). */
export function healthOf(attempts: readonly Attempt[] = []): ChannelHealth {
  let consecutiveFailures = 0;
  while (consecutiveFailures < attempts.length && !attempts[consecutiveFailures]!.ok)
    consecutiveFailures++;
  const last = attempts[0];
  return {
    status: !last ? 'unknown' : consecutiveFailures >= FAILING_AFTER ? 'failing' : 'ok',
    consecutiveFailures,
    ...(last
      ? {
          lastAttemptAt: new Date(last.atMs).toISOString(),
          ...(last.statusCode ? { lastStatus: last.statusCode } : {}),
          ...(last.error ? { lastError: last.error } : {}),
        }
      : {}),
  };
}

/** A channel as the API shows it: header values are hidden (they often carry tokens), the secret too. */
function view(c: StoredChannel, attempts?: Attempt[]): Channel {
  const { headers, template, ...spec } = c.spec;
  return {
    id: c.id,
    ...spec,
    ...(template !== undefined ? { template } : {}),
    ...(headers
      ? { headers: Object.fromEntries(Object.keys(headers).map((k) => [k, '<hidden>'])) }
      : {}),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    health: healthOf(attempts),
  };
}

/** The body of a test notification in the channel's own format. */
function testBody(c: StoredChannel, publicUrl: string | undefined): string {
  const now = new Date().toISOString();
  const message = buildMessage({
    receiver: c.spec.name,
    groupKey: `${c.id}:{}:{alertname="aiobs test notification"}`,
    groupLabels: { alertname: 'aiobs test notification' },
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'aiobs test notification', severity: 'info', channel: c.spec.name },
        annotations: {
          summary: `Test notification for channel "${c.spec.name}"`,
          description: 'Sent by POST /api/v1/channels/:id/test.',
        },
        startsAt: now,
        endsAt: ZERO_TIME,
        generatorURL: publicUrl ? `${publicUrl}/alerts` : '',
        fingerprint: '0000000000000000',
        value: null,
        topTraces: [],
      },
    ],
    externalURL: publicUrl ?? '',
  });
  return RENDERERS[c.spec.format](message, c.spec.template);
}

/**
 * `/api/v1/channels` (docs/api.md "Channels and silences"): CRUD per project, the secret
 * shown once by `POST`, and `POST /:id/test`, which stores a test notification in the outbox,
 * attempts it at once and answers with that attempt (retries follow as for any delivery).
 */
export function channelRoutes(deps: {
  repo: ChannelsRepo;
  outbox: OutboxRepo;
  sendNow: (d: Delivery) => Promise<AttemptReport>;
  publicUrl?: string;
}) {
  const { repo, outbox } = deps;
  const app = new Hono<AppEnv>();
  const parse = async (c: Context) => (await parseBody(c, channelSchema, SHAPE)) as ChannelSpec;

  app.post('/', async function createChannel(c) {
    const project = projectOf(c);
    const ch = await repo.create(project, await parse(c));
    const out: ChannelCreated = { ...view(ch), secret: ch.secret };
    return c.json(out, 201);
  });
  app.get('/', async function listChannels(c) {
    const project = projectOf(c);
    const [list, attempts] = await Promise.all([
      repo.list(project),
      outbox.recentAttempts(project, FAILING_AFTER),
    ]);
    const out: ChannelsResponse = { channels: list.map((ch) => view(ch, attempts.get(ch.id))) };
    return c.json(out);
  });
  app.get('/:id', async function getChannel(c) {
    const project = projectOf(c);
    const ch = await repo.get(project, c.req.param('id'));
    if (!ch) throw new NotFoundError(`no channel ${c.req.param('id')}`);
    const attempts = await outbox.recentAttempts(project, FAILING_AFTER);
    return c.json(view(ch, attempts.get(ch.id)));
  });
  app.put('/:id', async function updateChannel(c) {
    const project = projectOf(c);
    const spec = await parse(c);
    const ch = await repo.update(project, c.req.param('id'), spec);
    if (!ch) throw new NotFoundError(`no channel ${c.req.param('id')}`);
    return c.json(view(ch));
  });
  app.delete('/:id', async function deleteChannel(c) {
    const project = projectOf(c);
    if (!(await repo.remove(project, c.req.param('id'))))
      throw new NotFoundError(`no channel ${c.req.param('id')}`);
    return c.body(null, 204);
  });
  app.post('/:id/test', async function testChannel(c) {
    const project = projectOf(c);
    const ch = await repo.get(project, c.req.param('id'));
    if (!ch) throw new NotFoundError(`no channel ${c.req.param('id')}`);
    const now = Date.now();
    const report = await deps.sendNow({
      project,
      id: `msg_${randomUUID().replaceAll('-', '')}`,
      channelId: ch.id,
      kind: 'test',
      status: 'pending',
      attempts: 0,
      nextAttemptMs: now,
      body: testBody(ch, deps.publicUrl),
      lastError: '',
      createdMs: now,
    });
    const out: ChannelTestResponse = report;
    return c.json(out);
  });
  return app;
}
