import { randomBytes } from 'node:crypto';
import type { Role } from '../../auth/principal.js';
import { generateKey, generateKeyId, hashKey, keyPrefix } from '../../auth/keys.js';
import type { RunningCollector } from '../../server.js';
import { createAuthRepo } from '../../storage/auth-repo.js';
import type { KeyKind } from '../../storage/types.js';
import { createMembersRepo } from '../members-repo.js';
import { createUsersRepo } from '../users-repo.js';

/**
 * Two tenants for the isolation walk: project B holds data of every kind, each carrying a
 * marker no other project's answer may contain; project A has a member (owner of A, with a
 * personal token) and a read-only token, the credentials the walk attacks B with.
 */

/** Strings only B's data holds: none may appear in an answer to A's credentials. */
export const B_MARKERS = {
  project: 'project-B-7f3a',
  service: 'svc-B-7f3a',
  model: 'secret-model-B-7f3a',
  provider: 'provider-B-7f3a',
  version: 'version-B-7f3a',
  span: 'span-B-7f3a',
  feature: 'feature-B-7f3a',
  prediction: 'prediction-B-7f3a',
  log: 'log-line-B-7f3a',
  metric: 'metric_b_7f3a',
  host: 'host-B-7f3a',
  gpu: 'gpu-B-7f3a',
  rule: 'rule-B-7f3a',
  channel: 'channel-B-7f3a',
  silence: 'silence-B-7f3a',
  window: 'window-B-7f3a',
  baseline: 'baseline-B-7f3a',
  baselineValue: 'baseline-value-B-7f3a',
  price: 'price-model-B-7f3a',
  key: 'key-B-7f3a',
  memberName: 'member-B-7f3a',
  memberEmail: 'member-b-7f3a@example.test',
} as const;

/** What the walk knows of B: its ids (filled into paths and bodies) and every secret. */
export interface TenantB {
  id: 'B';
  traceId: string;
  spanIds: string[];
  ruleId: string;
  channelId: string;
  channelSecret: string;
  silenceId: string;
  windowId: string;
  baselineId: string;
  ingestKeyId: string;
  readKeyId: string;
  memberUserId: string;
  memberTokenId: string;
  /** Every string that only B's data holds (markers, ids, keys, secrets). */
  secrets: string[];
}

/** A's credentials. */
export interface TenantA {
  id: 'A';
  /** Personal token of a user who owns A (and nothing else). */
  memberToken: string;
  memberUserId: string;
  /** A's read-only token. */
  readToken: string;
}

interface Seeder {
  c: RunningCollector;
  adminToken: string;
}

/** Stores a key of `kind` through the repository, as the keys API would; returns it and its id. */
async function addKey(
  c: RunningCollector,
  kind: KeyKind,
  projectId: string,
  name: string,
  userId?: string,
): Promise<{ key: string; id: string }> {
  const key = generateKey(kind);
  const id = generateKeyId();
  await createAuthRepo(c.engine).insertKey({
    hash: hashKey(key),
    id,
    prefix: keyPrefix(key),
    projectId,
    kind,
    name,
    ...(userId ? { userId } : {}),
    createdBy: 'admin-token',
  });
  return { key, id };
}

/** A user with `role` in `project` (through the repositories: the users API is optional here). */
async function addMember(
  c: RunningCollector,
  project: string,
  email: string,
  name: string,
  role: Role,
) {
  const user = await createUsersRepo(c.engine).insert({
    email,
    name,
    // Never signed in with: the walk uses the user's personal token.
    passwordHash: `unused-${randomBytes(8).toString('hex')}`,
  });
  if (!user) throw new Error(`user ${email} exists`);
  await createMembersRepo(c.engine).upsert(project, user.id, role);
  return user;
}

/** Calls the API (as the instance admin unless `headers` say otherwise); throws unless 2xx. */
async function admin<T>(
  s: Seeder,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${s.adminToken}` },
): Promise<T> {
  const res = await fetch(`${s.c.url}${path}`, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * B's member through the API: the user (users API), the membership (members API), then a
 * password sign-in and a personal token made in that session (tokens API).
 */
async function addMemberOfB(s: Seeder) {
  const M = B_MARKERS;
  const password = `walk password ${randomBytes(8).toString('hex')}`;
  const user = await admin<{ id: string }>(s, 'POST', '/api/v1/users', {
    email: M.memberEmail,
    name: M.memberName,
    password,
  });
  await admin(s, 'POST', '/api/v1/projects/B/members', { email: M.memberEmail, role: 'editor' });
  const res = await fetch(`${s.c.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: M.memberEmail, password }),
  });
  const session = (await res.json()) as { csrfToken: string };
  if (res.status !== 200) throw new Error(`B's member sign-in -> ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .find((h) => h.startsWith('aiobs_session='))!
    .split(';')[0]!;
  const token = await admin<{ id: string; token: string }>(
    s,
    'POST',
    '/api/v1/auth/tokens',
    { name: `${M.key}-personal` },
    { cookie, 'x-csrf-token': session.csrfToken },
  );
  return { user, token };
}

/** OTLP/JSON with B's ingest key; throws unless accepted. */
async function ingest(c: RunningCollector, key: string, signal: string, body: unknown) {
  const res = await fetch(`${c.url}/v1/${signal}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`/v1/${signal} -> ${res.status}: ${await res.text()}`);
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

/** B's telemetry through OTLP: two inference spans, a log line, a metric and a GPU gauge. */
async function ingestTelemetry(
  c: RunningCollector,
  key: string,
  traceId: string,
  spanIds: string[],
) {
  const M = B_MARKERS;
  const now = Date.now();
  const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
  const resource = { attributes: [str('service.name', M.service), str('host.name', M.host)] };
  const spans = spanIds.map((spanId, i) => ({
    traceId,
    spanId,
    name: `${M.span}-${i}`,
    kind: 3,
    startTimeUnixNano: ns(now - 60_000 + i),
    endTimeUnixNano: ns(now - 60_000 + i + 120),
    attributes: [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.provider.name', M.provider),
      str('gen_ai.request.model', M.model),
      str('aiobs.model.version', M.version),
      int('gen_ai.usage.input_tokens', 11),
      int('gen_ai.usage.output_tokens', 7),
      str('aiobs.feature.country', M.feature),
      str('aiobs.prediction.id', `${M.prediction}-${i}`),
    ],
  }));
  await ingest(c, key, 'traces', {
    resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'walk' }, spans }] }],
  });
  await ingest(c, key, 'logs', {
    resourceLogs: [
      {
        resource,
        scopeLogs: [
          {
            scope: { name: 'walk' },
            logRecords: [
              {
                timeUnixNano: ns(now - 30_000),
                severityNumber: 13,
                severityText: 'WARN',
                body: { stringValue: M.log },
                traceId,
                spanId: spanIds[0],
              },
            ],
          },
        ],
      },
    ],
  });
  const point = (value: number, attributes: unknown[] = []) => ({
    timeUnixNano: ns(now - 20_000),
    asDouble: value,
    attributes,
  });
  await ingest(c, key, 'metrics', {
    resourceMetrics: [
      {
        resource,
        scopeMetrics: [
          {
            scope: { name: 'walk' },
            metrics: [
              { name: M.metric, unit: '1', gauge: { dataPoints: [point(42)] } },
              {
                name: 'hw.gpu.utilization',
                unit: '1',
                gauge: { dataPoints: [point(0.5, [str('hw.id', M.gpu)])] },
              },
            ],
          },
        ],
      },
    ],
  });
}

/**
 * Seeds projects A and B through the API as the admin token. B: its ingest and read keys, an
 * editor who signed in and made a personal token, telemetry through OTLP with B's ingest key,
 * then (with `?project=B`) an alert rule (disabled, so the evaluator writes no state for it
 * while the walk runs), a channel to `receiverUrl`, a silence, a maintenance window, an
 * uploaded drift baseline and a price. A: an owner with a personal token and a read token,
 * stored through the repositories as the keys API would.
 */
export async function seedTenants(
  c: RunningCollector,
  adminToken: string,
  receiverUrl: string,
): Promise<{ a: TenantA; b: TenantB }> {
  const s: Seeder = { c, adminToken };
  const M = B_MARKERS;
  await admin(s, 'POST', '/api/v1/projects', { id: 'A', name: 'Project A' });
  await admin(s, 'POST', '/api/v1/projects', { id: 'B', name: M.project });
  const newKey = (kind: 'ingest' | 'read') =>
    admin<{ id: string; key: string }>(s, 'POST', '/api/v1/projects/B/keys', {
      kind,
      name: `${M.key}-${kind}`,
    });
  const bIngest = await newKey('ingest');
  const bRead = await newKey('read');
  const { user: bMember, token: bToken } = await addMemberOfB(s);

  const traceId = randomBytes(16).toString('hex');
  const spanIds = [randomBytes(8).toString('hex'), randomBytes(8).toString('hex')];
  await ingestTelemetry(c, bIngest.key, traceId, spanIds);

  const q = '?project=B';
  const channel = await admin<{ id: string; secret: string }>(s, 'POST', `/api/v1/channels${q}`, {
    name: M.channel,
    type: 'webhook',
    url: receiverUrl,
  });
  const rule = await admin<{ id: string }>(s, 'POST', `/api/v1/alert-rules${q}`, {
    name: M.rule,
    signal: { kind: 'latency', quantile: 0.95, model: M.model },
    window: '5m',
    condition: { op: '>', threshold: 2000 },
    channels: [channel.id],
    enabled: false,
  });
  const hour = new Date(Date.now() + 3_600_000).toISOString();
  const silence = await admin<{ id: string }>(s, 'POST', `/api/v1/silences${q}`, {
    matchers: [`model="${M.model}"`],
    endsAt: hour,
    comment: M.silence,
    createdBy: M.memberName,
  });
  const window = await admin<{ id: string }>(s, 'POST', `/api/v1/maintenance-windows${q}`, {
    name: M.window,
    matchers: [`service="${M.service}"`],
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  });
  const baseline = await admin<{ id: string }>(s, 'POST', `/api/v1/drift/baselines${q}`, {
    name: M.baseline,
    model: M.model,
    sample: [{ country: M.baselineValue }, { country: M.feature }],
  });
  await admin(s, 'PUT', `/api/v1/prices${q}`, {
    prices: [{ provider: M.provider, model: M.price, inputPerMillion: 7.25 }],
  });

  const aMember = await addMember(c, 'A', 'owner-a@example.test', 'Owner of A', 'owner');
  const aToken = await addKey(c, 'personal', 'default', 'walk personal token', aMember.id);
  const aRead = await addKey(c, 'read', 'A', 'walk read token');

  const b: TenantB = {
    id: 'B',
    traceId,
    spanIds,
    ruleId: rule.id,
    channelId: channel.id,
    channelSecret: channel.secret,
    silenceId: silence.id,
    windowId: window.id,
    baselineId: baseline.id,
    ingestKeyId: bIngest.id,
    readKeyId: bRead.id,
    memberUserId: bMember.id,
    memberTokenId: bToken.id,
    secrets: [
      ...Object.values(M),
      traceId,
      ...spanIds,
      rule.id,
      channel.id,
      channel.secret,
      silence.id,
      window.id,
      baseline.id,
      bIngest.id,
      bIngest.key,
      keyPrefix(bIngest.key),
      bRead.id,
      bRead.key,
      keyPrefix(bRead.key),
      bMember.id,
      bToken.id,
      bToken.token,
      keyPrefix(bToken.token),
    ],
  };
  const a: TenantA = {
    id: 'A',
    memberToken: aToken.key,
    memberUserId: aMember.id,
    readToken: aRead.key,
  };
  return { a, b };
}
