import type {
  AlertStatus,
  Change,
  DriftSeriesResponse,
  GpuSummary,
  HostSummary,
  ModelSummary,
} from '@aiobs/api-types';
import type { Annotation } from '../../components/charts/time-series-chart.js';
import { pricedCost } from '../../lib/cost.js';
import { changeLabel } from '../../lib/series.js';
import { gpuLabel, isThrottled, latestValue } from '../infrastructure/prepare.js';

/** The headline figures of the overview, over every model. */
export interface OverviewTotals {
  requests: number;
  requestsPerSecond: number;
  errorRate: number | null;
  /** The priced models' cost; null when no model has a price but some used tokens. */
  costUsd: number | null;
  /** Models that used tokens at no cost: no price, so left out of `costUsd`. */
  unpricedModels: string[];
  outputTokensPerSecond: number;
  /** The worst model p95 (a fleet p95 cannot be derived from per-model percentiles). */
  worstP95Ms: number | null;
  worstP95Model: string | null;
}

/** Totals of `models` over a range of `rangeMs`. */
export function overviewTotals(models: ModelSummary[], rangeMs: number): OverviewTotals {
  const seconds = Math.max(rangeMs / 1000, 1);
  let requests = 0;
  let errors = 0;
  let cost = 0;
  let output = 0;
  let worst: ModelSummary | undefined;
  const unpriced: string[] = [];
  for (const m of models) {
    requests += m.requests;
    errors += m.errors;
    cost += m.costUsd;
    if (pricedCost(m) === null) unpriced.push(m.model);
    output += m.outputTokens;
    if (m.latencyP95Ms !== null && (worst?.latencyP95Ms ?? -1) < m.latencyP95Ms) worst = m;
  }
  return {
    requests,
    requestsPerSecond: requests / seconds,
    errorRate: requests > 0 ? errors / requests : null,
    costUsd: unpriced.length > 0 && cost === 0 ? null : cost,
    unpricedModels: unpriced,
    outputTokensPerSecond: output / seconds,
    worstP95Ms: worst?.latencyP95Ms ?? null,
    worstP95Model: worst?.model ?? null,
  };
}

/**
 * Models by cost, most expensive first, with each one's share of the total. A model without a
 * price has a null cost and share and comes last.
 */
export function costByModel(
  models: ModelSummary[],
): Array<{ model: string; costUsd: number | null; share: number | null }> {
  const total = models.reduce((s, m) => s + m.costUsd, 0);
  return models
    .map((m) => {
      const costUsd = pricedCost(m);
      const share = costUsd === null ? null : total > 0 ? costUsd / total : 0;
      return { model: m.model, costUsd, share };
    })
    .sort((a, b) => (b.costUsd ?? -1) - (a.costUsd ?? -1) || a.model.localeCompare(b.model));
}

/** One model's line of the Overview's per-model table. */
export interface ModelRow {
  model: string;
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  errorRate: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  /** Input and output tokens per second of the range (as the `tokensPerS` series counts). */
  tokensPerSecond: number;
  /** USD; null when the model used tokens yet cost nothing: it has no price. */
  costUsd: number | null;
}

/**
 * The per-model table of `models` over a range of `rangeMs` (the answered range): rates per
 * second of the whole range, busiest model first. A model that used tokens at no cost has no
 * price, which is not the same as free: its cost is null.
 */
export function modelRows(models: ModelSummary[], rangeMs: number): ModelRow[] {
  const seconds = Math.max(rangeMs / 1000, 1);
  return models
    .map((m) => ({
      model: m.model,
      requests: m.requests,
      requestsPerSecond: m.requests / seconds,
      latencyP50Ms: m.latencyP50Ms,
      latencyP95Ms: m.latencyP95Ms,
      latencyP99Ms: m.latencyP99Ms,
      errorRate: m.errorRate,
      ttftP50Ms: m.ttftP50Ms,
      ttftP95Ms: m.ttftP95Ms,
      tokensPerSecond: (m.inputTokens + m.outputTokens) / seconds,
      costUsd: pricedCost(m),
    }))
    .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model));
}

/** The GPU fleet at a glance: each GPU's latest sample in the range. */
export interface FleetSummary {
  hosts: number;
  gpus: number;
  /** Mean and max of the GPUs' latest utilization (0–1); null when none reported it. */
  meanUtilization: number | null;
  maxUtilization: number | null;
  /** Memory in use over every GPU, and the total memory of those that report a limit. */
  memoryUsedBytes: number;
  memoryLimitBytes: number | null;
  /** The hottest GPU (`hw.temperature`, °C). */
  hottest: { label: string; temperatureC: number } | null;
  /** GPUs with a throttle reason active in their latest sample. */
  throttling: number;
}

/**
 * The fleet summary of the Overview from `GET /gpus` and `GET /hosts`: hosts are those that
 * reported host metrics or GPUs (an agent may send only one of the two).
 */
export function fleetSummary(gpus: GpuSummary[], hosts: HostSummary[]): FleetSummary {
  const names = new Set([...hosts.map((h) => h.hostName), ...gpus.map((g) => g.hostName)]);
  const utils: number[] = [];
  let used = 0;
  let limit = 0;
  let limits = 0;
  let hottest: FleetSummary['hottest'] = null;
  let throttling = 0;
  for (const g of gpus) {
    const util = latestValue(g.metrics, 'hw.gpu.utilization');
    if (util !== undefined) utils.push(util);
    used += latestValue(g.metrics, 'hw.gpu.memory.usage') ?? 0;
    const l = latestValue(g.metrics, 'hw.gpu.memory.limit');
    if (l !== undefined) {
      limit += l;
      limits++;
    }
    const temp = latestValue(g.metrics, 'hw.temperature');
    if (temp !== undefined && (hottest === null || temp > hottest.temperatureC))
      hottest = { label: gpuLabel(g.hostName, g.name, g.id), temperatureC: temp };
    if (isThrottled(g.metrics).length > 0) throttling++;
  }
  return {
    hosts: names.size,
    gpus: gpus.length,
    meanUtilization: utils.length > 0 ? utils.reduce((a, b) => a + b, 0) / utils.length : null,
    maxUtilization: utils.length > 0 ? Math.max(...utils) : null,
    memoryUsedBytes: used,
    memoryLimitBytes: limits > 0 ? limit : null,
    hottest,
    throttling,
  };
}

const SEVERITY_RANK = { critical: 0, warning: 1 } as const;

/**
 * Firing alerts, most urgent first: critical, then warning, then unlabelled; among equals the
 * one firing longest first (it has waited longest for someone).
 */
export function sortFiring(alerts: AlertStatus[]): AlertStatus[] {
  const since = (a: AlertStatus) => a.firingSince ?? a.activeAt ?? '';
  return alerts
    .filter((a) => a.state === 'firing')
    .sort(
      (a, b) =>
        (a.severity ? SEVERITY_RANK[a.severity] : 2) -
          (b.severity ? SEVERITY_RANK[b.severity] : 2) ||
        (since(a) < since(b) ? -1 : since(a) > since(b) ? 1 : 0) ||
        a.ruleName.localeCompare(b.ruleName),
    );
}

/** How long ago, coarsely: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** A stretch of stored drift windows of one model with the same verdict. */
export interface DriftArea {
  model: string;
  fromMs: number;
  toMs: number;
  verdict: 'drift' | 'moderate';
  /** The features (and outputs) with that verdict in it, by name (`amount`, `amount · v2`). */
  features: string[];
}

/**
 * Where the stored drift results say a model drifted: per window, its worst verdict over
 * every feature and output, kept when moderate or drift; consecutive windows with the same
 * verdict become one area. Computed answers (no stored results for the range) are left out:
 * the chart marks what the scheduled job judged, not a fresh whole-range comparison.
 */
export function driftAreas(responses: DriftSeriesResponse[]): DriftArea[] {
  const out: DriftArea[] = [];
  for (const res of responses) {
    if (res.source !== 'stored') continue;
    const windows = new Map<number, { toMs: number; drift: Set<string>; moderate: Set<string> }>();
    for (const s of res.series) {
      const name = [s.feature, s.version, s.variant].filter((x) => x).join(' · ');
      for (const p of s.points) {
        if (p.verdict !== 'drift' && p.verdict !== 'moderate') continue;
        const fromMs = Date.parse(p.from);
        const w = windows.get(fromMs) ?? {
          toMs: Date.parse(p.to),
          drift: new Set<string>(),
          moderate: new Set<string>(),
        };
        w[p.verdict].add(name);
        windows.set(fromMs, w);
      }
    }
    let last: DriftArea | undefined;
    for (const [fromMs, w] of [...windows].sort(([a], [b]) => a - b)) {
      const verdict = w.drift.size > 0 ? 'drift' : 'moderate';
      const features = [...w[verdict]];
      if (last && last.verdict === verdict && last.toMs >= fromMs) {
        last.toMs = Math.max(last.toMs, w.toMs);
        last.features = [...new Set([...last.features, ...features])];
        continue;
      }
      last = { model: res.model, fromMs, toMs: w.toMs, verdict, features };
      out.push(last);
    }
  }
  for (const a of out) a.features.sort();
  return out.sort((a, b) => a.fromMs - b.fromMs || a.model.localeCompare(b.model));
}

/** One line of the "What changed" list, with the marker it has on the charts. */
export interface ChangeItem {
  key: string;
  kind: 'change' | 'moderate' | 'drift';
  marker: string;
  /** ISO start (first sighting, or the first drifted window). */
  time: string;
  label: string;
  /** A change's requests since it first appeared. */
  requests?: number;
}

/** One line describing a drift area: `drift in fraud-xgb: amount, country`. */
export function driftLabel(a: DriftArea): string {
  const shown = a.features.slice(0, 3).join(', ');
  const more = a.features.length > 3 ? ` +${a.features.length - 3}` : '';
  return `${a.verdict === 'drift' ? 'drift' : 'moderate drift'} in ${a.model}: ${shown}${more}`;
}

/**
 * What changed in `[fromMs, toMs]`, as chart annotations and the list that explains them,
 * numbered "1", "2"... in time order: new models, versions and variants as lines (those first
 * seen in the same minute share one marker), drift areas as shaded spans clipped to the range.
 */
export function whatChanged(
  changes: Change[],
  areas: DriftArea[],
  fromMs: number,
  toMs: number,
): { annotations: Annotation[]; items: ChangeItem[] } {
  type Group = { t: number; toT?: number; kind: ChangeItem['kind']; entries: ChangeItem[] };
  const groups: Group[] = [];
  const byMinute = new Map<number, Group>();
  for (const c of changes) {
    const t = Date.parse(c.firstSeen);
    if (!(t >= fromMs && t <= toMs)) continue;
    const minute = Math.floor(t / 60_000);
    let g = byMinute.get(minute);
    if (!g) {
      g = { t, kind: 'change', entries: [] };
      byMinute.set(minute, g);
      groups.push(g);
    }
    g.entries.push({
      key: `${c.kind}-${c.model}-${c.version ?? ''}-${c.variant ?? ''}`,
      kind: 'change',
      marker: '',
      time: c.firstSeen,
      label: changeLabel(c),
      requests: c.requests,
    });
  }
  for (const a of areas) {
    const t = Math.max(a.fromMs, fromMs);
    const toT = Math.min(a.toMs, toMs);
    if (!(t < toT)) continue;
    const entry: ChangeItem = {
      key: `${a.verdict}-${a.model}-${a.fromMs}`,
      kind: a.verdict,
      marker: '',
      time: new Date(a.fromMs).toISOString(),
      label: `${driftLabel(a)} (${windowText(a.fromMs, a.toMs)})`,
    };
    groups.push({ t, toT, kind: a.verdict, entries: [entry] });
  }
  groups.sort((a, b) => a.t - b.t);
  const annotations: Annotation[] = [];
  const items: ChangeItem[] = [];
  groups.forEach((g, i) => {
    const marker = String(i + 1);
    const first = g.entries[0]!;
    const label = `${first.label}${g.entries.length > 1 ? ` +${g.entries.length - 1}` : ''}`;
    annotations.push({
      t: g.t,
      marker,
      label,
      tone: g.kind,
      ...(g.toT !== undefined ? { toT: g.toT } : {}),
    });
    for (const e of g.entries) items.push({ ...e, marker });
  });
  return { annotations, items };
}

/** A window's span in UTC, as the charts' axes show time: `07:00–07:15 UTC`. */
function windowText(fromMs: number, toMs: number): string {
  const hm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return day(fromMs) === day(toMs)
    ? `${hm(fromMs)}–${hm(toMs)} UTC`
    : `${day(fromMs)} ${hm(fromMs)} – ${day(toMs)} ${hm(toMs)} UTC`;
}
