import { DEFAULT_FROM, DEFAULT_TO, resolveTime } from './time-range.js';

/** Auto-refresh intervals offered; `off` pauses. */
export const REFRESH_OPTIONS = ['off', '10s', '30s', '1m', '5m'] as const;
export type Refresh = (typeof REFRESH_OPTIONS)[number];

/** Search params every page shares: the time range, auto-refresh and the project. */
export interface RangeSearch {
  from: string;
  to: string;
  refresh: Refresh;
  /** The project the pages show (absent: the collector's default project). */
  project?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length < 100 ? v : undefined;
}

/**
 * Validates the shared params from the URL: anything unreadable becomes the default, so a
 * mangled shared link still opens (on the last hour) instead of an error page.
 */
export function validateRangeSearch(raw: Record<string, unknown>): RangeSearch {
  const now = Date.now();
  const from = str(raw.from);
  const to = str(raw.to);
  const ok =
    from && to && resolveTime(from, now) !== undefined && resolveTime(to, now) !== undefined;
  const refresh = REFRESH_OPTIONS.find((r) => r === raw.refresh) ?? 'off';
  // The ids the collector accepts (its parseProject); anything else falls back to the default.
  const project =
    typeof raw.project === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(raw.project)
      ? raw.project
      : undefined;
  return { from: ok ? from : DEFAULT_FROM, to: ok ? to : DEFAULT_TO, refresh, project };
}

/** Milliseconds between refreshes, or false when paused. */
export function refreshMs(r: Refresh): number | false {
  if (r === 'off') return false;
  const n = Number.parseInt(r, 10);
  return r.endsWith('m') ? n * 60_000 : n * 1000;
}

/** An optional string param (a model name, an arm): trimmed, bounded, or undefined. */
export function optionalParam(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 500 ? v : undefined;
}

/** The model page's own params (`/models/view`): the model and how its charts are split. */
export function validateModelSearch(raw: Record<string, unknown>): {
  model: string;
  groupBy?: 'version' | 'variant';
} {
  return {
    model: optionalParam(raw.model) ?? '',
    groupBy: raw.groupBy === 'variant' ? 'variant' : undefined,
  };
}

/** The compare view's own params: the model, its two arms, and a drift baseline's id. */
export function validateCompareSearch(raw: Record<string, unknown>): {
  model: string;
  a?: string;
  b?: string;
  baseline?: string;
} {
  return {
    model: optionalParam(raw.model) ?? '',
    a: optionalParam(raw.a),
    b: optionalParam(raw.b),
    baseline: optionalParam(raw.baseline),
  };
}

/** The Infrastructure page's own params: a host filter, a selected GPU, a model to overlay. */
export function validateInfraSearch(raw: Record<string, unknown>): {
  host?: string;
  gpu?: string;
  model?: string;
} {
  return {
    host: optionalParam(raw.host),
    gpu: optionalParam(raw.gpu),
    model: optionalParam(raw.model),
  };
}

/** The Drift page's own params: the model, a baseline's id, and the feature shown. */
export function validateDriftSearch(raw: Record<string, unknown>): {
  model?: string;
  baseline?: string;
  feature?: string;
  kind?: 'prediction';
} {
  return {
    model: optionalParam(raw.model),
    baseline: optionalParam(raw.baseline),
    feature: optionalParam(raw.feature),
    kind: raw.kind === 'prediction' ? 'prediction' : undefined,
  };
}
