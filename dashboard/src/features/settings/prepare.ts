import type { AuditEntry, PriceEntry, ProjectMember, ProjectRole } from '@aiobs/api-types';

/** The Settings page's sections, in the order of its tabs. */
export const SECTIONS = [
  { id: 'projects', label: 'Projects' },
  { id: 'members', label: 'Members' },
  { id: 'keys', label: 'Keys' },
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
export function auditRows(
  entries: readonly AuditEntry[],
  members: readonly ProjectMember[] = [],
): AuditRow[] {
  const emails = new Map(members.map((m) => [m.userId, m.email]));
  return entries.map((e, i) => ({
    key: `${e.at}-${i}`,
    at: formatWhen(e.at),
    actor: describeActor(e.actor, emails),
    action: e.action,
    target: e.target || '—',
    request: describeRequest(e.details),
  }));
}

/**
 * Who did something, as people read it: `admin-token` → "admin token", `user:<id>` → the
 * member's email where `members` knows it; anything else (`key:<id>`, `bootstrap`) as it is.
 */
export function actorName(actor: string, members: readonly ProjectMember[] = []): string {
  return describeActor(actor, new Map(members.map((m) => [m.userId, m.email])));
}

function describeActor(actor: string, emails: Map<string, string>): string {
  if (actor === 'admin-token') return 'admin token';
  if (actor.startsWith('user:')) return emails.get(actor.slice(5)) ?? actor;
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
