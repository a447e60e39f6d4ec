import type { AlertRule } from '@aiobs/api-types';
import {
  type BaseKind,
  FILTERS,
  type FilterKey,
  isBaseKind,
  isFormKind,
  KINDS,
  shownParams,
} from './rule-kinds.js';

/**
 * The alert rule form's draft, as typed, and the checks that turn it into the body of
 * `POST`/`PUT /api/v1/alert-rules` with the same bounds as the collector's rule schema
 * (`collector/src/alerts/rule-schema.ts`), each problem named by the field it is next to. Pure.
 */

/** A condition's comparison. */
export type Op = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** The comparisons, with the words the form shows. */
export const OPS: ReadonlyArray<readonly [Op, string]> = [
  ['>', 'above'],
  ['>=', 'at or above'],
  ['<', 'below'],
  ['<=', 'at or below'],
  ['==', 'equal to'],
  ['!=', 'not equal to'],
];

/** The rule form's fields, as typed. */
export interface RuleDraft {
  name: string;
  /** A kind of {@link KINDS}. */
  kind: string;
  /** The kind an anomaly band watches. */
  of: BaseKind;
  /** Kind parameters by `kind.key`, so that each kind keeps its own while the picker moves. */
  params: Record<string, string>;
  /** Filter values; `attributes` as `key=value` lines. */
  filters: Partial<Record<FilterKey, string>>;
  window: string;
  op: Op;
  threshold: string;
  /** Empty: no warning level. */
  warning: string;
  for: string;
  keepFiringFor: string;
  interval: string;
  noDataState: AlertRule['noDataState'];
  errorState: AlertRule['errorState'];
  /** `name=value` lines. */
  labels: string;
  /** `name=value` lines. */
  annotations: string;
  /** Ids of the channels it notifies (besides channels whose matchers pick its alerts). */
  channels: string[];
}

/** A field of the form, as problems and the API's refusals are placed next to it. */
export type DraftField =
  | 'name'
  | 'kind'
  | 'of'
  | 'window'
  | 'op'
  | 'threshold'
  | 'warning'
  | 'for'
  | 'keepFiringFor'
  | 'interval'
  | 'noDataState'
  | 'errorState'
  | 'labels'
  | 'annotations'
  | 'channels'
  | `param:${string}`
  | `filter:${FilterKey}`;

/** What is wrong with a draft, by field, in the form's order. */
export type Problems = Partial<Record<DraftField, string>>;

/** A new rule's draft: every kind's parameters at their initial values. */
export function freshDraft(): RuleDraft {
  const params: Record<string, string> = {};
  for (const [kind, spec] of Object.entries(KINDS))
    for (const p of spec.params) params[`${kind}.${p.key}`] = p.initial;
  return {
    name: '',
    kind: 'latency',
    of: 'latency',
    params,
    filters: {},
    window: '5m',
    op: '>',
    threshold: '',
    warning: '',
    for: '1m',
    keepFiringFor: '0s',
    interval: '30s',
    noDataState: 'no_data',
    errorState: 'error',
    labels: '',
    annotations: '',
    channels: [],
  };
}

/** The parameters of `kind` in `d`, by key. */
export function paramValues(d: RuleDraft, kind: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of KINDS[kind]?.params ?? []) out[p.key] = d.params[`${kind}.${p.key}`] ?? '';
  return out;
}

/** The kind whose filters and unit apply: an anomaly band's are those of the signal it watches. */
export function measuredKind(d: RuleDraft): string {
  return d.kind === 'anomaly' ? d.of : d.kind;
}

/** The filters the draft's kind honours (others are refused by the API). */
export function filterKeysOf(d: RuleDraft): readonly FilterKey[] {
  return KINDS[measuredKind(d)]?.filters ?? [];
}

/** What the draft's value is measured in. */
export function unitOf(d: RuleDraft): string {
  const kind = measuredKind(d);
  return KINDS[kind]?.unit(paramValues(d, kind)) ?? '';
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
/** Longest duration a rule may name (the collector's MAX_DURATION_MS, a year). */
const MAX_DURATION_MS = 366 * 86_400_000;

/** Milliseconds of a rule duration (`"30s"`, `"1h30m"`), or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  if (!/^(?:\d+(?:ms|s|m|h|d|w))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/** A rule duration's text (empty: `fallback`), or its problem. */
function duration(text: string, minMs: number, fallback: string): { value: string } | string {
  const t = text.trim() || fallback;
  const ms = durationMs(t);
  if (ms === undefined) return 'must be a duration like 30s, 5m, 1h or 1h30m';
  if (ms < minMs) return `must be at least ${minMs / 1000}s`;
  if (ms > MAX_DURATION_MS) return 'must be at most 366d';
  return { value: t };
}

/** Label names, as Prometheus and the API take them. */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `name=value` lines as a map (blank lines skipped), or what is wrong: `keys` checks each name,
 * values are at most `maxValue` characters.
 */
export function parsePairs(
  text: string,
  opts: { keys?: RegExp; maxValue: number; maxEntries?: number },
): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    if (!raw.trim()) continue;
    const at = raw.indexOf('=');
    const key = raw.slice(0, Math.max(at, 0)).trim();
    const value = raw.slice(at + 1).trim();
    if (at < 1 || !key) return `line ${i + 1}: write it as name=value`;
    if (opts.keys && !opts.keys.test(key))
      return `line ${i + 1}: “${key.slice(0, 40)}” is not a label name (letters, digits, _)`;
    if (key.length > 256) return `line ${i + 1}: the name is longer than 256 characters`;
    if (value.length > opts.maxValue)
      return `line ${i + 1}: the value is longer than ${opts.maxValue} characters`;
    out[key] = value;
  }
  if (Object.keys(out).length > (opts.maxEntries ?? 32))
    return `at most ${opts.maxEntries ?? 32} entries`;
  return out;
}

/** A map as `name=value` lines. */
export function formatPairs(m: Record<string, string> | undefined): string {
  return Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/** The parsed parameters of `kind` (nested as the API takes them); problems go to `problems`. */
function paramsOf(kind: string, d: RuleDraft, problems: Problems): Record<string, unknown> {
  const spec = KINDS[kind]!;
  const values = paramValues(d, kind);
  const parsed: Record<string, unknown> = {};
  for (const p of shownParams(spec, values)) {
    const r = p.parse(values[p.key] ?? '', values);
    if (r === undefined) continue;
    if ('problem' in r) problems[`param:${kind}.${p.key}`] = r.problem;
    else parsed[p.key] = r.value;
  }
  return spec.build ? spec.build(parsed) : parsed;
}

/** The draft's filters that its kind honours (empty ones left out). */
function filtersOf(d: RuleDraft, problems: Problems): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of filterKeysOf(d)) {
    const text = d.filters[key]?.trim() ?? '';
    if (!text) continue;
    if (key === 'attributes') {
      const pairs = parsePairs(text, { maxValue: 1024, maxEntries: 64 });
      if (typeof pairs === 'string') problems['filter:attributes'] = pairs;
      else out.attributes = pairs;
    } else if (text.length > 256) problems[`filter:${key}`] = 'at most 256 characters';
    else out[key] = text;
  }
  return out;
}

/** The draft's `signal`. */
function signalOf(d: RuleDraft, problems: Problems): Record<string, unknown> {
  const measured = measuredKind(d);
  const base: Record<string, unknown> = {
    kind: measured,
    ...paramsOf(measured, d, problems),
    ...filtersOf(d, problems),
  };
  if (measured === 'absence' && base.metric === undefined && base.gpu !== undefined)
    problems['filter:gpu'] = 'only an absence of a metric can be filtered by GPU: name the metric';
  return d.kind === 'anomaly'
    ? { kind: 'anomaly', of: base, ...paramsOf('anomaly', d, problems) }
    : base;
}

/** A threshold: a finite number. */
function thresholdOf(text: string): number | string {
  if (!text.trim()) return 'required';
  const v = Number(text);
  return Number.isFinite(v) ? v : 'must be a number';
}

/** The draft's `condition`, or undefined for kinds that decide their own breach. */
function conditionOf(d: RuleDraft, problems: Problems): Record<string, unknown> | undefined {
  if (KINDS[d.kind]?.decides) return undefined;
  const threshold = thresholdOf(d.threshold);
  if (typeof threshold === 'string') problems.threshold = threshold;
  if (!d.warning.trim()) return { op: d.op, threshold };
  const warning = thresholdOf(d.warning);
  const above = d.op === '>' || d.op === '>=';
  const below = d.op === '<' || d.op === '<=';
  if (typeof warning === 'string') problems.warning = warning;
  else if (!above && !below)
    problems.warning = 'needs an ordering condition (above or below): clear it for equal to';
  // Crossed before the critical threshold, on the way to it.
  else if (typeof threshold === 'number' && above && warning >= threshold)
    problems.warning = `must be below the threshold (${threshold}) for “${d.op === '>' ? 'above' : 'at or above'}”`;
  else if (typeof threshold === 'number' && below && warning <= threshold)
    problems.warning = `must be above the threshold (${threshold}) for “${d.op === '<' ? 'below' : 'at or below'}”`;
  return { op: d.op, threshold, warning };
}

/** A draft checked: its body when it is ready, and what is wrong with it. */
export interface DraftCheck {
  /** The API body once every field but the name is right: the preview needs no name. */
  body?: Record<string, unknown>;
  problems: Problems;
}

/**
 * The `POST /api/v1/alert-rules` body of a draft and its problems, each next to its field.
 * The rule may be saved when there is none; the preview may run when only the name is missing.
 */
export function checkDraft(d: RuleDraft): DraftCheck {
  const problems: Problems = {};
  const name = d.name.trim();
  if (!name) problems.name = 'required: it becomes the alert’s alertname';
  else if (name.length > 256) problems.name = 'at most 256 characters';
  const signal = signalOf(d, problems);
  const condition = conditionOf(d, problems);
  const durations = {
    window: duration(d.window, 1000, '5m'),
    for: duration(d.for, 0, '0s'),
    keepFiringFor: duration(d.keepFiringFor, 0, '0s'),
    interval: duration(d.interval, 1000, '30s'),
  };
  const timing: Record<string, string> = {};
  for (const [k, v] of Object.entries(durations)) {
    if (typeof v === 'string') problems[k as DraftField] = v;
    else timing[k] = v.value;
  }
  const labels = parsePairs(d.labels, { keys: LABEL_NAME, maxValue: 1024 });
  if (typeof labels === 'string') problems.labels = labels;
  const annotations = parsePairs(d.annotations, { keys: LABEL_NAME, maxValue: 4096 });
  if (typeof annotations === 'string') problems.annotations = annotations;
  const blocking = Object.keys(problems).filter((k) => k !== 'name');
  if (blocking.length > 0) return { problems };
  return {
    problems,
    body: {
      ...(name ? { name } : {}),
      signal,
      ...timing,
      ...(condition ? { condition } : {}),
      noDataState: d.noDataState,
      errorState: d.errorState,
      labels,
      annotations,
      channels: d.channels,
    },
  };
}

/** The parts of a stored rule that are not its body (`PUT` takes the body only). */
const NOT_BODY = new Set(['id', 'project', 'createdAt', 'updatedAt']);

/** A stored rule's body, as `PUT /api/v1/alert-rules/:id` takes it back. */
export function ruleSpec(r: AlertRule): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([k]) => !NOT_BODY.has(k)));
}

/**
 * The `PUT` body of an edited rule: the draft's body over the stored one, so what the form
 * does not hold (`enabled`) is kept; a condition the new kind does not take is dropped.
 */
export function editBody(r: AlertRule, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...ruleSpec(r), ...body };
  if (!('condition' in body)) delete out.condition;
  return out;
}

/** The parameters of a stored signal of `kind`, as the form's texts (by `kind.key`). */
function readParams(kind: string, s: Record<string, unknown>): Record<string, string> {
  const spec = KINDS[kind]!;
  const values = spec.read
    ? spec.read(s)
    : Object.fromEntries(
        spec.params.filter((p) => s[p.key] !== undefined).map((p) => [p.key, String(s[p.key])]),
      );
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${kind}.${k}`, v]));
}

/** Whether a stored signal holds only what the form shows (else an edit would drop the rest). */
function formHolds(kind: string, s: Record<string, unknown>, extra: string[] = []): boolean {
  const known = new Set([
    'kind',
    ...extra,
    ...KINDS[kind]!.params.map((p) => p.key),
    ...FILTERS.map(([k]) => k),
  ]);
  return Object.keys(s).every((k) => known.has(k));
}

/**
 * The form's fields for a stored rule, or undefined when the form cannot hold it (a
 * composite, a kind this dashboard does not know): such a rule is shown read-only.
 */
export function draftOf(r: AlertRule): RuleDraft | undefined {
  const s = r.signal as Record<string, unknown> & { kind: string };
  if (!isFormKind(s.kind) || !formHolds(s.kind, s, ['of'])) return undefined;
  const inner = s.kind === 'anomaly' ? (s.of as Record<string, unknown> | undefined) : s;
  const innerKind = String(inner?.kind ?? '');
  if (!inner || (s.kind === 'anomaly' && (!isBaseKind(innerKind) || !formHolds(innerKind, inner))))
    return undefined;
  const d = freshDraft();
  const filters: RuleDraft['filters'] = {};
  for (const [k] of FILTERS) {
    const v = inner[k];
    if (k === 'attributes' && v && typeof v === 'object')
      filters.attributes = formatPairs(v as Record<string, string>);
    else if (typeof v === 'string') filters[k] = v;
  }
  return {
    ...d,
    name: r.name,
    kind: s.kind,
    of: isBaseKind(innerKind) ? innerKind : d.of,
    params: {
      ...d.params,
      ...readParams(innerKind, inner),
      ...(s.kind === 'anomaly' ? readParams('anomaly', s) : {}),
    },
    filters,
    window: r.window,
    op: r.condition?.op ?? d.op,
    threshold: r.condition ? String(r.condition.threshold) : '',
    warning: r.condition?.warning === undefined ? '' : String(r.condition.warning),
    for: r.for,
    keepFiringFor: r.keepFiringFor,
    interval: r.interval,
    noDataState: r.noDataState,
    errorState: r.errorState,
    labels: formatPairs(r.labels),
    annotations: formatPairs(r.annotations),
    channels: r.channels,
  };
}
