import type { ModelSummary } from '@aiobs/api-types';

/** The headline figures of the overview, over every model. */
export interface OverviewTotals {
  requests: number;
  requestsPerSecond: number;
  errorRate: number | null;
  costUsd: number;
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
  for (const m of models) {
    requests += m.requests;
    errors += m.errors;
    cost += m.costUsd;
    output += m.outputTokens;
    if (m.latencyP95Ms !== null && (worst?.latencyP95Ms ?? -1) < m.latencyP95Ms) worst = m;
  }
  return {
    requests,
    requestsPerSecond: requests / seconds,
    errorRate: requests > 0 ? errors / requests : null,
    costUsd: cost,
    outputTokensPerSecond: output / seconds,
    worstP95Ms: worst?.latencyP95Ms ?? null,
    worstP95Model: worst?.model ?? null,
  };
}

/** Models by cost, most expensive first, with each one's share of the total. */
export function costByModel(
  models: ModelSummary[],
): Array<{ model: string; costUsd: number; share: number }> {
  const total = models.reduce((s, m) => s + m.costUsd, 0);
  return models
    .map((m) => ({ model: m.model, costUsd: m.costUsd, share: total > 0 ? m.costUsd / total : 0 }))
    .sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model));
}
