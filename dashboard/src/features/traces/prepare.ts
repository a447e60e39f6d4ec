import type { GpuValues, ModelGpuResponse, TraceSpan, TraceSummary } from '@aiobs/api-types';
import { optionalParam, type RangeSearch } from '../../lib/search.js';
import { resolveRange } from '../../lib/time-range.js';

/** Trace search filters, as they live in the URL. */
export interface TraceFilters {
  service?: string;
  /** `gen_ai.request.model` of a span. */
  model?: string;
  /** `aiobs.model.version` of a span. */
  version?: string;
  status?: 'ok' | 'error';
  /** Trace duration bounds, ms. */
  minMs?: number;
  maxMs?: number;
  /** Attribute filters, each `key=value`. */
  attr?: string[];
  sort?: 'duration';
}

function nonNegative(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * The filters of a URL: unreadable ones are dropped (a mangled link still opens the search),
 * at most 20 attribute filters (the API's limit).
 */
export function validateTraceFilters(raw: Record<string, unknown>): TraceFilters {
  const attrs = (Array.isArray(raw.attr) ? raw.attr : raw.attr === undefined ? [] : [raw.attr])
    .filter((a): a is string => typeof a === 'string' && parseAttrFilter(a) !== undefined)
    .slice(0, 20);
  return {
    service: optionalParam(raw.service),
    model: optionalParam(raw.model),
    version: optionalParam(raw.version),
    status: raw.status === 'ok' || raw.status === 'error' ? raw.status : undefined,
    minMs: nonNegative(raw.minMs),
    maxMs: nonNegative(raw.maxMs),
    attr: attrs.length > 0 ? attrs : undefined,
    sort: raw.sort === 'duration' ? 'duration' : undefined,
  };
}

/** The trace view's own params: the trace, the selected span, the search it came from. */
export interface TraceViewSearch extends TraceFilters {
  id: string;
  span?: string;
}

/**
 * The trace view's params from a URL: the trace id, the selected span, and the filters of the
 * search it was opened from (kept for the way back; unreadable ones dropped as the search
 * drops them).
 */
export function validateTraceViewSearch(raw: Record<string, unknown>): TraceViewSearch {
  return {
    ...validateTraceFilters(raw),
    id: optionalParam(raw.id) ?? '',
    span: optionalParam(raw.span),
  };
}

/** `key=value` split at the first `=`; undefined without a key or an `=`. */
export function parseAttrFilter(s: string): [string, string] | undefined {
  const i = s.indexOf('=');
  if (i <= 0) return undefined;
  const key = s.slice(0, i).trim();
  return key ? [key, s.slice(i + 1)] : undefined;
}

/**
 * The query parameters of `GET /api/v1/traces` for `filters`: model and version become
 * attribute filters on the GenAI attributes, duration bounds the API's names.
 */
export function tracesQueryParams(
  filters: TraceFilters,
  range: { from: string; to: string },
  cursor?: string,
  limit = 100,
): Record<string, string | number | undefined> {
  const params: Record<string, string | number | undefined> = {
    from: range.from,
    to: range.to,
    service: filters.service,
    status: filters.status,
    minDurationMs: filters.minMs,
    maxDurationMs: filters.maxMs,
    sort: filters.sort,
    limit,
    cursor,
  };
  if (filters.model) params['attr.gen_ai.request.model'] = filters.model;
  if (filters.version) params['attr.aiobs.model.version'] = filters.version;
  for (const a of filters.attr ?? []) {
    const kv = parseAttrFilter(a);
    if (kv) params[`attr.${kv[0]}`] = kv[1];
  }
  return params;
}

/** A point of the latency scatter: one trace at its start time. */
export interface ScatterPoint {
  t: number;
  durationMs: number;
  traceId: string;
  name: string;
}

/** The scatter's two series: traces without and with errors. */
export function scatterPoints(traces: TraceSummary[]): {
  ok: ScatterPoint[];
  error: ScatterPoint[];
} {
  const ok: ScatterPoint[] = [];
  const error: ScatterPoint[] = [];
  for (const t of traces) {
    const p = {
      t: Date.parse(t.startTime),
      durationMs: t.durationMs,
      traceId: t.traceId,
      name: `${t.rootSpan.serviceName}: ${t.rootSpan.name}`,
    };
    (t.error ? error : ok).push(p);
  }
  return { ok, error };
}

/** The log axis's floor: sub-microsecond traces sit here (a log axis has no 0). */
export const DURATION_FLOOR_MS = 0.001;

/**
 * The scatter's duration axis (log): the points' range widened by a factor of 1.3 at both
 * ends, so a symbol at the slowest or fastest trace is drawn whole instead of cut at the
 * plot's edge. Undefined without points.
 */
export function durationDomain(
  ...series: ReadonlyArray<readonly ScatterPoint[]>
): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ps of series)
    for (const p of ps) {
      const d = Math.max(p.durationMs, DURATION_FLOOR_MS);
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
  return lo <= hi ? [lo / 1.3, hi * 1.3] : undefined;
}

/** Tick mantissas per decade, coarse to fine: each set spaces its ticks about evenly on a log axis. */
const LOG_TICK_STEPS = [[1], [1, 3], [1, 2, 5], [1, 2, 3, 5, 7]] as const;

/**
 * Ticks of the scatter's log duration axis: the coarsest of 1-3-10, 1-2-5 or 1-2-3-5-7 per
 * decade that puts at least three ticks in the domain, and never more than `max` (over more
 * than `max` decades, every k-th power of ten). The
 * chart library's own log ticks are every integer of each decade, which crowds 600, 700, 800
 * and 900 into the top of a decade.
 */
export function durationTicks([lo, hi]: readonly [number, number], max = 7): number[] {
  let best: number[] = [];
  for (const steps of LOG_TICK_STEPS) {
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); 10 ** e <= hi; e++)
      for (const m of steps) {
        // Rounded: 3 * 10 ** -1 is 0.30000000000000004 in floating point.
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= lo && v <= hi) ticks.push(v);
      }
    if (ticks.length > max) {
      // Even one tick per decade is too many: every k-th decade.
      if (steps.length === 1) {
        const k = Math.ceil(ticks.length / max);
        return ticks.filter((_, i) => i % k === 0);
      }
      break;
    }
    best = ticks;
    if (ticks.length >= 3) break;
  }
  return best;
}

/** One row of the waterfall: a span at its depth, placed on the trace's time line. */
export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** Start after the trace's start, ms. */
  offsetMs: number;
  /** Left edge and width as percentages of the trace's duration. */
  leftPct: number;
  widthPct: number;
  /** Index of the span's service in {@link Waterfall.services} (its colour). */
  serviceIndex: number;
  error: boolean;
}

/** A trace laid out for the waterfall. */
export interface Waterfall {
  rows: WaterfallRow[];
  /** First span start to last span end, ms. */
  totalMs: number;
  startNs: bigint;
  /** Services in order of first appearance. */
  services: string[];
}

function endNs(s: TraceSpan): bigint {
  return BigInt(s.startTimeUnixNano) + BigInt(s.durationNs);
}

/**
 * Lays out a trace: depth-first from the roots (spans without a parent in the trace, so an
 * orphan whose parent was not received still shows), children in start order. Offsets come
 * from the nanosecond strings so sub-millisecond spans keep their order and place.
 */
export function buildWaterfall(spans: TraceSpan[]): Waterfall {
  if (spans.length === 0) return { rows: [], totalMs: 0, startNs: 0n, services: [] };
  const byStart = [...spans].sort((a, b) => {
    const d = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  const startNs = BigInt(byStart[0]!.startTimeUnixNano);
  let lastNs = startNs;
  for (const s of spans) if (endNs(s) > lastNs) lastNs = endNs(s);
  const totalMs = Number(lastNs - startNs) / 1e6;
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const s of byStart) {
    if (!s.parentSpanId || !ids.has(s.parentSpanId) || s.parentSpanId === s.spanId) roots.push(s);
    else children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
  }
  const services: string[] = [];
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const visit = (s: TraceSpan, depth: number) => {
    // A cycle of parent ids (bad data) must not loop forever.
    if (seen.has(s.spanId)) return;
    seen.add(s.spanId);
    let serviceIndex = services.indexOf(s.serviceName);
    if (serviceIndex < 0) serviceIndex = services.push(s.serviceName) - 1;
    const offsetMs = Number(BigInt(s.startTimeUnixNano) - startNs) / 1e6;
    rows.push({
      span: s,
      depth,
      offsetMs,
      leftPct: totalMs > 0 ? (offsetMs / totalMs) * 100 : 0,
      widthPct: totalMs > 0 ? (s.durationMs / totalMs) * 100 : 100,
      serviceIndex,
      error: s.statusCode === 'Error',
    });
    for (const c of children.get(s.spanId) ?? []) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  return { rows, totalMs, startNs, services };
}

/** Whether a span is a GenAI inference (it has the GenAI operation name). */
export function isInference(s: TraceSpan): boolean {
  return Boolean(s.attributes['gen_ai.operation.name']);
}

/**
 * The model of an inference span as the collector files it: the requested model, or the
 * response's when no request model was recorded. Undefined for other spans.
 */
export function spanModel(s: TraceSpan): string | undefined {
  if (!isInference(s)) return undefined;
  return s.attributes['gen_ai.request.model'] || s.attributes['gen_ai.response.model'] || undefined;
}

/** Half the window a model page opens over around a span outside the URL's range. */
const AROUND_MS = 30 * 60_000;

/**
 * The range a span's model page opens over: the URL's when it holds the span (resolved at
 * `now`), otherwise the hour around the span with auto-refresh off (a fixed range does not
 * move), so a trace opened from an old link shows its model at the time it ran rather than
 * an empty last hour.
 */
export function rangeAround(
  search: Pick<RangeSearch, 'from' | 'to' | 'refresh'>,
  spanMs: number,
  now: number,
): Pick<RangeSearch, 'from' | 'to' | 'refresh'> {
  const r = resolveRange(search.from, search.to, now);
  if (spanMs >= r.fromMs && spanMs <= r.toMs)
    return { from: search.from, to: search.to, refresh: search.refresh };
  return {
    from: new Date(spanMs - AROUND_MS).toISOString(),
    to: new Date(spanMs + AROUND_MS).toISOString(),
    refresh: 'off',
  };
}

/**
 * The agent's install command (agent/src/cli.ts `install`) for the collector at `collector`:
 * installed globally as root first (the service refuses code other users can change), with
 * the ingest key from a file, enabled at once.
 */
export function agentInstallCommand(collector: string): string {
  return `sudo npm install -g @aiobs/agent && sudo aiobs-agent install --collector ${collector} --api-key-file ./ingest.key --enable`;
}

/** The error a span carries: its status message and `exception` events. */
export interface SpanError {
  type: string;
  message: string;
  stacktrace?: string;
}

/** The errors of a span, from its `exception` events and an Error status. */
export function spanErrors(s: TraceSpan): SpanError[] {
  const out: SpanError[] = s.events
    .filter((e) => e.name === 'exception')
    .map((e) => ({
      type: e.attributes['exception.type'] ?? 'exception',
      message: e.attributes['exception.message'] ?? '',
      stacktrace: e.attributes['exception.stacktrace'],
    }));
  if (s.statusCode === 'Error' && out.length === 0)
    out.push({
      type: s.attributes['error.type'] ?? 'error',
      message: s.statusMessage || 'status Error',
    });
  return out;
}

/** Attributes as sorted `[key, value]` pairs (GenAI keys first: what people look for). */
export function sortedAttributes(attrs: Record<string, string>): Array<[string, string]> {
  const rank = (k: string) => (k.startsWith('gen_ai.') ? 0 : k.startsWith('aiobs.') ? 1 : 2);
  return Object.entries(attrs).sort(
    ([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

/** Axis ticks of the waterfall: `count + 1` evenly spaced offsets over `totalMs`. */
export function waterfallTicks(totalMs: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (totalMs * i) / count);
}

/** One GPU's figures in the bucket holding an instant. */
export interface GpuAtTime extends GpuValues {
  host: string;
  gpu: string;
  gpuName: string;
  /** Start of the bucket the figures are from. */
  bucket: string;
}

/**
 * Each GPU's figures in the bucket holding `timeMs` (the moment of an inference span); a GPU
 * with no sample in that bucket is left out rather than shown as idle.
 */
export function gpusAt(res: ModelGpuResponse, timeMs: number): GpuAtTime[] {
  const out: GpuAtTime[] = [];
  for (const g of res.gpus) {
    const p = g.points.find((x) => {
      const t = Date.parse(x.time);
      return t <= timeMs && timeMs < t + res.stepMs;
    });
    if (!p) continue;
    const { time, ...values } = p;
    if (Object.values(values).every((v) => v === null)) continue;
    out.push({ host: g.host, gpu: g.gpu, gpuName: g.gpuName, bucket: time, ...values });
  }
  return out;
}

/** The span the trace page shows the details of: `spanId`'s, or the first of the waterfall. */
export function selectedSpan(w: Waterfall, spanId: string | undefined): TraceSpan | undefined {
  return w.rows.find((r) => r.span.spanId === spanId)?.span ?? w.rows[0]?.span;
}

/**
 * The inference span whose host's GPUs the trace page shows: the selected span when it is
 * one, otherwise the first inference span of the waterfall.
 */
export function gpuSpanOf(w: Waterfall, spanId: string | undefined): TraceSpan | undefined {
  const selected = selectedSpan(w, spanId);
  return selected && isInference(selected)
    ? selected
    : w.rows.find((r) => isInference(r.span))?.span;
}
