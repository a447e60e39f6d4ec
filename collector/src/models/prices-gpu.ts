/**
 * GPU-hour pricing of self-hosted models, pure. The rule (docs/models.md, "Cost"):
 *
 * - GPU-hours of a host in an hour = the GPU-minutes the agent reported for it in that hour
 *   (one per GPU per minute with a `hw.gpu.utilization` sample, within the asked range) / 60.
 * - Those GPU-hours are split between the models the host served in that hour by their share
 *   of its requests (`aiobs_model_hosts_1h`: every model counts, priced or not).
 * - A model's GPU cost = Σ over hosts and hours of its share × GPU-hours × its GPU-hour rate in
 *   force that hour (the latest `effectiveFrom` day not after it).
 *
 * A host hour in which it served nothing is nobody's cost (idle GPUs are not charged to a
 * model); a host without agent data costs nothing.
 */

/** GPU-minutes one host reported in one UTC hour. */
export interface HostGpuMinutes {
  host: string;
  hourMs: number;
  gpuMinutes: number;
}

/** Requests one model (of a service, or all) sent to one host in one UTC hour. */
export interface ServedRequests {
  model: string;
  host: string;
  hourMs: number;
  requests: number;
}

/** One dated GPU-hour rate of a model. */
export interface GpuRate {
  model: string;
  /** First day (UTC, `YYYY-MM-DD`) it applies. */
  effectiveFrom: string;
  gpuHourUsd: number;
}

/** The rate of `model` in force at `hourMs` (0: none), from rates sorted by date. */
export function rateAt(rates: readonly GpuRate[], model: string, hourMs: number): number {
  let rate = 0;
  let since = Number.NEGATIVE_INFINITY;
  for (const r of rates) {
    if (r.model !== model) continue;
    const from = Date.parse(`${r.effectiveFrom}T00:00:00Z`);
    if (from <= hourMs && from >= since) {
      since = from;
      rate = r.gpuHourUsd;
    }
  }
  return rate;
}

/** Key of one host hour in the maps below. */
export function hostHourKey(host: string, hourMs: number): string {
  return `${hourMs}\u0000${host}`;
}

/**
 * USD per GPU-priced model, by the rule above. `served`: the requests counted as each
 * model's own (all of them, or one service's); `hostTotals`: every request of each host hour,
 * all models and services (the share's denominator), keyed by {@link hostHourKey}.
 */
export function gpuCostByModel(
  gpu: readonly HostGpuMinutes[],
  served: readonly ServedRequests[],
  hostTotals: ReadonlyMap<string, number>,
  rates: readonly GpuRate[],
): Map<string, number> {
  const minutes = new Map<string, number>();
  for (const g of gpu) {
    const k = hostHourKey(g.host, g.hourMs);
    minutes.set(k, (minutes.get(k) ?? 0) + g.gpuMinutes);
  }
  const cost = new Map<string, number>();
  for (const s of served) {
    const k = hostHourKey(s.host, s.hourMs);
    const total = hostTotals.get(k) ?? 0;
    const gpuMinutes = minutes.get(k) ?? 0;
    if (total <= 0 || gpuMinutes <= 0 || s.requests <= 0) continue;
    const rate = rateAt(rates, s.model, s.hourMs);
    if (rate <= 0) continue;
    const share = Math.min(1, s.requests / total);
    cost.set(s.model, (cost.get(s.model) ?? 0) + (gpuMinutes / 60) * rate * share);
  }
  return cost;
}
