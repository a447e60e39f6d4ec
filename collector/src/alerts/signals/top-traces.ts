import type { SignalContext, WindowMs } from '../contract.js';
import type { Signal, SignalFilters } from './schema.js';
import { inferenceWhere } from './where.js';

/**
 * The offending inferences an alert names: the slowest matching inferences of the window
 * (raw rows of aiobs_inferences, bounded by the window and LIMIT), or for error signals the
 * slowest failed ones, for TTFT the slowest first chunks, for an SLO the requests that
 * missed it.
 */

/** What to look for: the inference filters, an extra condition, the column to sort by. */
interface Pick {
  filters: SignalFilters;
  where?: string;
  orderBy: 'duration_ms' | 'ttft_ms';
}

const INFERENCE_KEYS = ['service', 'model', 'version', 'variant', 'provider', 'operation'] as const;

/** The inferences behind a signal: its filters as far as inference rows carry them. */
function pickFor(s: Signal): Pick | undefined {
  const dims: SignalFilters = {};
  for (const k of INFERENCE_KEYS) if (s[k] !== undefined) dims[k] = s[k];
  const byDuration = (filters: SignalFilters): Pick => ({ filters, orderBy: 'duration_ms' });
  switch (s.kind) {
    case 'anomaly':
      return pickFor(s.of);
    case 'composite':
      for (const side of s.signals) {
        const p = pickFor(side.signal);
        if (p) return p;
      }
      return undefined;
    case 'errorRate':
      return {
        filters: { ...dims, host: s.host, attributes: s.attributes },
        where: 'is_error = 1',
        orderBy: 'duration_ms',
      };
    case 'ttft':
      return {
        filters: { ...dims, host: s.host, attributes: s.attributes },
        where: 'ttft_ms IS NOT NULL',
        orderBy: 'ttft_ms',
      };
    case 'slo': {
      const o = s.objective;
      if (o.kind === 'errors')
        return { filters: dims, where: 'is_error = 1', orderBy: 'duration_ms' };
      const col = o.kind === 'latency' ? 'duration_ms' : 'ttft_ms';
      return { filters: dims, where: `${col} > ${Number(o.thresholdMs)}`, orderBy: col };
    }
    case 'gpuUtilization':
    case 'gpuTemperature':
    case 'gpuMemory':
    case 'gpuPower':
    case 'gpuThrottling':
      return byDuration({ model: s.model, service: s.service, host: s.host });
    case 'metric':
    case 'queueDepth':
    case 'absence':
      // Metric point attributes are not span attributes: only the dimensions carry over.
      return byDuration({ ...dims, host: s.host });
    default:
      return byDuration({ ...dims, host: s.host, attributes: s.attributes });
  }
}

/** Drops undefined filters (so an absent one does not count as a raw-only filter). */
function defined(f: SignalFilters): SignalFilters {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
}

/** The slowest offending inferences of the window, slowest first. */
export async function topTraces(
  ctx: SignalContext,
  s: Signal,
  window: WindowMs,
  limit: number,
): Promise<{ traceId: string; spanId: string; durationMs: number }[]> {
  const pick = pickFor(s);
  if (!pick || limit <= 0) return [];
  const w = inferenceWhere(ctx.db, ctx.project, defined(pick.filters), 'raw', window);
  const rows = await ctx.db.rows<{ trace_id: string; span_id: string; duration_ms: number }>(
    `SELECT trace_id, span_id, duration_ms FROM ${ctx.db.table('aiobs_inferences')}
     WHERE ${w.sql}${pick.where ? ` AND ${pick.where}` : ''}
     ORDER BY ${pick.orderBy} DESC, trace_id, span_id LIMIT {limit:UInt32}`,
    { ...w.params, limit: Math.min(Math.floor(limit), 100) },
  );
  return rows.map((r) => ({
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    durationMs: Number(r.duration_ms),
  }));
}
