import type {
  AuditEntry,
  PriceEntry,
  ProjectMember,
  ProjectRole,
  UserInfo,
} from '@aiobs/api-types';

/** The Settings page's sections, in the order of its tabs. */
export const SECTIONS = [
  { id: 'projects', label: 'Projects' },
  { id: 'members', label: 'Members' },
  { id: 'keys', label: 'Keys' },
  { id: 'users', label: 'Users' },
  { id: 'account', label: 'My account' },
  { id: 'tokens', label: 'My tokens' },
  { id: 'audit', label: 'Audit log' },
  { id: 'prices', label: 'Prices' },
  { id: 'connect', label: 'Connect' },
] as const;
export type SectionId = (typeof SECTIONS)[number]['id'];

/** The section a URL's `tab` names, or the first one. */
export function sectionOf(raw: unknown): SectionId {
  return SECTIONS.find((s) => s.id === raw)?.id ?? 'projects';
}

// Only the instance admin may use `/api/v1/users`: others would see a tab that always says 403.
const ADMIN_ONLY: ReadonlySet<SectionId> = new Set(['users']);

/** The sections the caller gets a tab for: Users only for the instance admin. */
export function visibleSections(instanceAdmin: boolean): Array<(typeof SECTIONS)[number]> {
  return SECTIONS.filter((s) => instanceAdmin || !ADMIN_ONLY.has(s.id));
}

/** Roles offered in forms, most allowed first, with what each may do. */
export const ROLES: ReadonlyArray<{ role: ProjectRole; hint: string }> = [
  { role: 'owner', hint: 'everything, including keys, members and the audit log' },
  { role: 'editor', hint: 'read, and change rules, channels, baselines, prices' },
  { role: 'viewer', hint: 'read only' },
];

// The collector's parseProject accepts exactly these ids (collector/src/query/params.ts).
const PROJECT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Why `id` cannot name a new project, or undefined when it can. */
export function projectIdProblem(id: string): string | undefined {
  if (id === '') return 'Enter an id.';
  if (!PROJECT_ID.test(id))
    return 'Use 1–64 letters, digits, dots, dashes or underscores (it goes into URLs and keys).';
  return undefined;
}

/** Whether `id` is a project id the collector would accept (for the URL's `project=`). */
export function isProjectId(id: unknown): id is string {
  return typeof id === 'string' && PROJECT_ID.test(id);
}

/** Lifetimes offered for new keys and tokens. */
export const EXPIRY_CHOICES = [
  { id: 'never', label: 'Never expires', days: 0 },
  { id: '30d', label: '30 days', days: 30 },
  { id: '90d', label: '90 days', days: 90 },
  { id: '365d', label: '1 year', days: 365 },
] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]['id'];

/** The ISO `expiresAt` of a lifetime chosen at `nowMs`, or undefined for one that never ends. */
export function expiresAtFor(choice: ExpiryChoice, nowMs: number): string | undefined {
  const days = EXPIRY_CHOICES.find((c) => c.id === choice)?.days ?? 0;
  return days > 0 ? new Date(nowMs + days * 86_400_000).toISOString() : undefined;
}

/** How long the old key keeps working after a rotation (seconds; the API allows up to 30 days). */
export const OVERLAP_CHOICES = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 30 * 86_400, label: '30 days' },
] as const;

/** A UTC time as `YYYY-MM-DD HH:MM`, or an em dash. */
export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** What a key's expiry means now: still good, soon gone, or gone. */
export interface ExpiryState {
  label: string;
  tone: 'ok' | 'warn' | 'expired';
}

/** The expiry of a key or token as seen at `nowMs` (within 7 days counts as soon). */
export function expiryState(expiresAt: string | null | undefined, nowMs: number): ExpiryState {
  if (!expiresAt) return { label: 'never', tone: 'ok' };
  const left = Date.parse(expiresAt) - nowMs;
  if (Number.isNaN(left)) return { label: expiresAt, tone: 'ok' };
  if (left <= 0) return { label: `expired ${formatWhen(expiresAt)}`, tone: 'expired' };
  return {
    label: `${formatWhen(expiresAt)} (in ${formatLeft(left)})`,
    tone: left < 7 * 86_400_000 ? 'warn' : 'ok',
  };
}

function formatLeft(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${Math.max(min, 1)} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** Newest first: the key or token just created is at the top. */
export function newestFirst<T extends { createdAt: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** Members with the owners first, then by email. */
export function sortMembers(members: readonly ProjectMember[]): ProjectMember[] {
  const rank = (r: ProjectRole) => ROLES.findIndex((x) => x.role === r);
  return [...members].sort((a, b) => rank(a.role) - rank(b.role) || a.email.localeCompare(b.email));
}

/** Whether removing or demoting `member` would leave the project without an owner. */
export function isLastOwner(member: ProjectMember, members: readonly ProjectMember[]): boolean {
  return member.role === 'owner' && members.filter((m) => m.role === 'owner').length === 1;
}

/** An audit entry as a table row: the actor by email where the member list knows it. */
export interface AuditRow {
  key: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  request: string;
}

/** Audit entries as rows; `details` (JSON of method, path, status) becomes `POST /path → 201`. */
export function auditRows(entries: readonly AuditEntry[], people: People = new Map()): AuditRow[] {
  return entries.map((e, i) => ({
    key: `${e.at}-${i}`,
    at: formatWhen(e.at),
    actor: actorName(e.actor, people),
    action: e.action,
    target: e.target || '—',
    request: describeRequest(e.details),
  }));
}

/** User id → email, of every user the caller can see. */
export type People = ReadonlyMap<string, string>;

/**
 * Everyone whose id the caller may meet in `createdBy` and audit actors: the project's
 * members (owners see them), every user (the instance admin sees them) and the caller. A key
 * created by an instance admin who is not a member of the project is named too.
 */
export function peopleOf(
  members: readonly ProjectMember[] | undefined,
  users: readonly UserInfo[] | undefined,
  me: UserInfo | null | undefined,
): People {
  const people = new Map<string, string>();
  for (const u of users ?? []) people.set(u.id, u.email);
  for (const m of members ?? []) people.set(m.userId, m.email);
  if (me) people.set(me.id, me.email);
  return people;
}

/**
 * Who did something, as people read it: `admin-token` → "admin token", `user:<id>` → the
 * user's email where `people` knows it ("unknown user" where not: a user id tells a reader
 * nothing); anything else (`key:<id>`, `bootstrap`) as it is.
 */
export function actorName(actor: string, people: People = new Map()): string {
  if (actor === 'admin-token') return 'admin token';
  if (actor.startsWith('user:')) return people.get(actor.slice(5)) ?? 'unknown user';
  return actor;
}

function describeRequest(details: string): string {
  try {
    const d = JSON.parse(details) as { method?: string; path?: string; status?: number };
    if (d && typeof d === 'object' && d.method && d.path)
      return `${d.method} ${d.path}${d.status ? ` → ${d.status}` : ''}`;
  } catch {
    // not JSON: show it as it is
  }
  return details || '—';
}

/** A price row as the editor holds it: text fields, so half-typed numbers survive. */
export interface PriceDraft {
  provider: string;
  model: string;
  effectiveFrom: string;
  inputPerMillion: string;
  outputPerMillion: string;
  cacheReadPerMillion: string;
  gpuHourUsd: string;
}

/** The stored prices as editable rows, sorted by provider, model and date. */
export function toPriceDrafts(prices: readonly PriceEntry[]): PriceDraft[] {
  return [...prices]
    .sort(
      (a, b) =>
        a.provider.localeCompare(b.provider) ||
        a.model.localeCompare(b.model) ||
        a.effectiveFrom.localeCompare(b.effectiveFrom),
    )
    .map((p) => ({
      provider: p.provider,
      model: p.model,
      effectiveFrom: p.effectiveFrom,
      inputPerMillion: String(p.inputPerMillion),
      outputPerMillion: String(p.outputPerMillion),
      cacheReadPerMillion: String(p.cacheReadPerMillion),
      gpuHourUsd: p.gpuHourUsd === undefined ? '' : String(p.gpuHourUsd),
    }));
}

/** An empty row for a new price, effective from `today` (`YYYY-MM-DD`). */
export function blankPrice(today: string): PriceDraft {
  return {
    provider: '',
    model: '',
    effectiveFrom: today,
    inputPerMillion: '0',
    outputPerMillion: '0',
    cacheReadPerMillion: '0',
    gpuHourUsd: '',
  };
}

/** The body for `PUT /api/v1/prices`, or the first problem with the row and field it is in. */
export function fromPriceDrafts(
  drafts: readonly PriceDraft[],
): { prices: PriceEntry[] } | { error: string; row: number; field: keyof PriceDraft } {
  const prices: PriceEntry[] = [];
  for (const [row, d] of drafts.entries()) {
    if (!d.provider.trim()) return { error: 'Enter a provider.', row, field: 'provider' };
    if (!d.model.trim()) return { error: 'Enter a model.', row, field: 'model' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.effectiveFrom) || Number.isNaN(Date.parse(d.effectiveFrom)))
      return { error: 'Use a date as YYYY-MM-DD.', row, field: 'effectiveFrom' };
    const money = (field: keyof PriceDraft, optional = false) => {
      const text = d[field].trim();
      if (optional && text === '') return undefined;
      const n = Number(text);
      return text !== '' && Number.isFinite(n) && n >= 0 ? n : null;
    };
    const fields = ['inputPerMillion', 'outputPerMillion', 'cacheReadPerMillion'] as const;
    const values: number[] = [];
    for (const f of fields) {
      const n = money(f);
      if (n === null || n === undefined)
        return { error: 'Enter a price of 0 or more (USD).', row, field: f };
      values.push(n);
    }
    const gpu = money('gpuHourUsd', true);
    if (gpu === null)
      return { error: 'Enter 0 or more, or leave it empty.', row, field: 'gpuHourUsd' };
    prices.push({
      provider: d.provider.trim(),
      model: d.model.trim(),
      effectiveFrom: d.effectiveFrom,
      inputPerMillion: values[0]!,
      outputPerMillion: values[1]!,
      cacheReadPerMillion: values[2]!,
      ...(gpu === undefined ? {} : { gpuHourUsd: gpu }),
    });
  }
  return { prices };
}

/** The "Connect" snippets, filled with this collector's address and a key (or a placeholder). */
export interface ConnectSnippets {
  sdk: string;
  otelEnv: string;
  collectorYaml: string;
  agent: string;
}

/**
 * How to send telemetry to the collector at `origin` (the commands README.md documents).
 * The key is a placeholder unless one was just created: keys are never shown again.
 */
export function connectSnippets(origin: string, key = '<ingest key>'): ConnectSnippets {
  return {
    sdk: `npm install @aiobs/sdk @opentelemetry/api

import { init, observeInference } from '@aiobs/sdk';
init({
  serviceName: 'my-app',
  endpoint: '${origin}',
  apiKey: process.env.AIOBS_API_KEY, // ${key}
});`,
    otelEnv: `export OTEL_EXPORTER_OTLP_ENDPOINT=${origin}
export OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer ${key}"
export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf   # or http/json
export OTEL_SERVICE_NAME=my-inference-service`,
    collectorYaml: `exporters:
  otlphttp/aiobs:
    endpoint: ${origin}
    headers: { authorization: "Bearer \${env:AIOBS_API_KEY}" }  # ${key}
service:
  pipelines:
    traces: { receivers: [otlp], exporters: [otlphttp/aiobs] }
    metrics: { receivers: [otlp], exporters: [otlphttp/aiobs] }
    logs: { receivers: [otlp], exporters: [otlphttp/aiobs] }`,
    agent: `sudo npm install -g @aiobs/agent
(umask 077; echo '${key}' > ./ingest.key)   # install copies it into the unit's env file
sudo aiobs-agent install --collector ${origin} --api-key-file ./ingest.key --enable
rm ./ingest.key`,
  };
}

// ---- Users and passwords ----

/** Shortest and longest password the collector accepts (collector/src/auth/passwords.ts). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

// No look-alikes (0/O, 1/l/I): a generated password may be read aloud or retyped.
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_';

/** Fills `bytes` with random values (the Web Crypto `getRandomValues` shape). */
export type RandomFill = (bytes: Uint8Array) => Uint8Array;

/**
 * A strong random password: `length` characters (at least 20) from 59 letters, digits and
 * `-_` without look-alikes, about 5.9 bits each (24 characters: 141 bits). Bytes that would
 * bias the pick (≥ 236) are drawn again, so every character is equally likely.
 *
 * @example
 * const password = generatePassword(); // e.g. "pX7-hQ2m…" (24 characters)
 */
export function generatePassword(
  length = 24,
  random: RandomFill = (b) => globalThis.crypto.getRandomValues(b),
): string {
  const n = Math.max(20, Math.floor(length));
  const size = PASSWORD_ALPHABET.length;
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < n) {
    for (const b of random(new Uint8Array(n * 2))) {
      if (b >= limit) continue;
      out += PASSWORD_ALPHABET[b % size];
      if (out.length === n) break;
    }
  }
  return out;
}

/** Why `password` breaks the collector's rule (counted in characters, as the server does). */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters (${length} so far).`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  return undefined;
}

/** A form problem: the message and the input it is about. */
export interface FieldProblem<F extends string> {
  field: F;
  message: string;
}

/** What a new user needs before `POST /api/v1/users` (the password only when typed in). */
export function newUserProblem(draft: {
  email: string;
  name: string;
  password?: string;
}): FieldProblem<'email' | 'name' | 'password'> | undefined {
  const email = draft.email.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    return { field: 'email', message: 'Enter an email address.' };
  if (email.length > 254) return { field: 'email', message: 'Use at most 254 characters.' };
  if (!draft.name.trim()) return { field: 'name', message: 'Enter a name.' };
  if (draft.password !== undefined) {
    const problem = passwordProblem(draft.password);
    if (problem) return { field: 'password', message: problem };
  }
  return undefined;
}

/** What a password change needs: the current password, a new one by the rule, typed twice. */
export function passwordChangeProblem(draft: {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}): FieldProblem<'currentPassword' | 'newPassword' | 'confirm'> | undefined {
  if (!draft.currentPassword)
    return { field: 'currentPassword', message: 'Enter your current password.' };
  const problem = passwordProblem(draft.newPassword);
  if (problem) return { field: 'newPassword', message: problem };
  if (draft.newPassword === draft.currentPassword)
    return { field: 'newPassword', message: 'Choose a password different from the current one.' };
  if (draft.confirm !== draft.newPassword)
    return { field: 'confirm', message: 'The two new passwords differ.' };
  return undefined;
}

/** Users with the active ones first, then by email. */
export function sortUsers(users: readonly UserInfo[]): UserInfo[] {
  return [...users].sort(
    (a, b) => Number(a.disabled) - Number(b.disabled) || a.email.localeCompare(b.email),
  );
}

/** Whether disabling or demoting `user` would leave no active instance admin (the API says 409). */
export function isLastActiveAdmin(user: UserInfo, users: readonly UserInfo[]): boolean {
  return (
    user.instanceAdmin &&
    !user.disabled &&
    !users.some((u) => u.id !== user.id && u.instanceAdmin && !u.disabled)
  );
}

/** An API refusal as `api-client` reports it. */
export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  field?: string;
}

const FIELD_LABELS: Record<string, string> = {
  email: 'Email',
  name: 'Name',
  password: 'Password',
  newPassword: 'New password',
  currentPassword: 'Current password',
  disabled: 'Disabled',
  instanceAdmin: 'Instance admin',
};

/**
 * A refused user or password change said so people know what to do: an email taken (409),
 * the last active instance admin (409), a wrong current password, or a field the API named.
 */
export function userErrorText(e: ApiFailure): string {
  if (e.status === 409 && e.field === 'email')
    return 'A user with this email exists already: add them as a member, or use another email.';
  if (e.status === 409 && (e.field === 'disabled' || e.field === 'instanceAdmin'))
    return 'This is the last active instance admin: make another user instance admin first.';
  if (e.status === 400 && e.field === 'currentPassword') return 'The current password is wrong.';
  if (e.status === 403) return `Not allowed with these credentials: ${e.message}`;
  if (e.field) return `${FIELD_LABELS[e.field] ?? e.field}: ${e.message}`;
  return e.message;
}

/** Whether adding a member failed only because no user has that email yet (`404`, `email`). */
export function isUnknownEmail(e: Pick<ApiFailure, 'status' | 'field'> | undefined): boolean {
  return e?.status === 404 && e.field === 'email';
}
