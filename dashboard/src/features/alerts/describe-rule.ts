import type { AlertRule } from '@aiobs/api-types';
import { FILTERS } from './rule-kinds.js';

/** Rules and signals in one line, for the rules table and the read-only view. Pure. */

type Sig = Record<string, unknown>;

const pct = (q: unknown) => (typeof q === 'number' ? `p${Number((q * 100).toFixed(2))}` : 'p?');
const str = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v : fallback);

const GPU_NAMES: Record<string, string> = {
  gpuUtilization: 'GPU utilization',
  gpuTemperature: 'GPU temperature',
  gpuMemory: 'GPU memory',
  gpuPower: 'GPU power',
  gpuThrottling: 'GPU throttling',
};

/** What a signal measures, without its filters. */
function measure(s: Sig): string {
  switch (s.kind) {
    case 'latency':
      return `latency ${pct(s.quantile)}`;
    case 'ttft':
      return `TTFT ${pct(s.quantile)}`;
    case 'queueWait':
      return `queue wait ${pct(s.quantile)}`;
    case 'errorRate':
      return 'error rate';
    case 'cacheHitRate':
      return 'cache hit rate';
    case 'tokens':
      return `${str(s.tokenType, 'total')} tokens${s.per === 's' ? '/s' : ''}`;
    case 'queueDepth':
      return `queue depth (${str(s.aggregation, 'max')})`;
    case 'drift':
      return `drift ${str(s.measure, 'psi')} of ${
        s.feature === ''
          ? 'the multivariate row'
          : typeof s.feature === 'string'
            ? `feature “${s.feature}”`
            : 'the worst feature'
      }`;
    case 'metric':
      return `${str(s.name, 'metric')} (${str(s.aggregation, 'avg')})`;
    case 'budget': {
      const by = s.by as string | { attribute?: string } | undefined;
      const of =
        typeof by === 'object'
          ? `worst ${by.attribute}`
          : by === 'model'
            ? 'worst model'
            : 'project';
      return `spend of the ${of} / $${s.limitUsd}${typeof s.window === 'string' ? ` over ${s.window}` : ''}`;
    }
    case 'absence':
      return `absence of ${str(s.metric, 'inferences')}`;
    case 'slo': {
      const o = (s.objective ?? {}) as { kind?: string; thresholdMs?: number };
      const what = o.kind === 'errors' ? 'without errors' : `${o.kind} ≤ ${o.thresholdMs} ms`;
      const target = typeof s.target === 'number' ? `${Number((s.target * 100).toFixed(3))}%` : '?';
      return `SLO ${target} ${what} over ${str(s.period, '30d')}`;
    }
    case 'anomaly':
      return `anomaly (${str(s.seasonality, 'daily')}, ±${s.threshold ?? 3} spreads) of ${describeSignal((s.of ?? {}) as Sig)}`;
    case 'composite':
      return ((s.signals ?? []) as Array<{ signal: Sig; condition?: AlertRule['condition'] }>)
        .map((side) => `${describeSignal(side.signal)}${describeCondition(side.condition)}`)
        .join(' AND ');
    default: {
      const k = String(s.kind);
      return GPU_NAMES[k]
        ? `${GPU_NAMES[k]}${s.unit === 'bytes' ? ' bytes' : ''} (${str(s.aggregation, 'avg')} per GPU, ${str(s.across, 'max')} across)`
        : k;
    }
  }
}

/** The filters of a signal: `acme/chat, version v2, user.tier=gold`. */
function filterText(s: Sig): string {
  const parts: string[] = [];
  for (const [k] of FILTERS) {
    const v = s[k];
    if (k === 'attributes' && v && typeof v === 'object')
      for (const [a, x] of Object.entries(v as Record<string, string>)) parts.push(`${a}=${x}`);
    else if (typeof v === 'string') parts.push(k === 'model' ? v : `${k} ${v}`);
  }
  return parts.join(', ');
}

/** A signal in words with its filters: `latency p95 of acme/chat, version v2`. */
export function describeSignal(s: Sig): string {
  const filters = filterText(s);
  return `${measure(s)}${filters ? ` of ${filters}` : ''}`;
}

/** A condition: ` > 400 (warning 300)`; empty when there is none. */
export function describeCondition(c: AlertRule['condition'] | undefined): string {
  if (!c) return '';
  return ` ${c.op} ${c.threshold}${c.warning === undefined ? '' : ` (warning ${c.warning})`}`;
}

/** A rule's signal and condition in one line: `latency p95 of acme/chat > 300 over 5m for 2m`. */
export function describeRule(r: AlertRule): string {
  return `${describeSignal(r.signal)}${describeCondition(r.condition)} over ${r.window}${r.for !== '0s' ? ` for ${r.for}` : ''}`;
}
