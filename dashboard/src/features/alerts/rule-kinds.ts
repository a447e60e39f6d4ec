import type { AlertFilterKey } from '@aiobs/api-types';
import {
  asNumber,
  choice,
  DAY,
  numberIn,
  type ParamSpec,
  signalDuration,
  text,
} from './rule-params.js';

export type { ParamSpec, Parsed } from './rule-params.js';

/**
 * The signal kinds the rule form offers, as the collector's rule API accepts them
 * (`collector/src/alerts/signals/schema.ts` and `scope.ts`, docs/alerts.md "Signals"): each
 * kind's parameters with the API's bounds, the filters it honours, its unit, and whether it
 * decides its own breach. A new kind is an added entry. Pure.
 */

/** A filter a signal may carry (the API's type). */
export type FilterKey = AlertFilterKey;

/** Every filter, in the form's order, with its label. */
export const FILTERS: ReadonlyArray<readonly [FilterKey, string]> = [
  ['model', 'Model'],
  ['version', 'Version'],
  ['variant', 'Variant'],
  ['service', 'Service'],
  ['provider', 'Provider'],
  ['operation', 'Operation'],
  ['host', 'Host'],
  ['gpu', 'GPU id'],
  ['attributes', 'Attributes'],
];

/** A signal kind of the form. */
export interface KindSpec {
  label: string;
  group: 'Inference' | 'Quality' | 'GPU' | 'Metrics' | 'Spend' | 'Decides its own breach';
  /** What the value is measured in (the threshold's unit). */
  unit: (values: Record<string, string>) => string;
  params: readonly ParamSpec[];
  filters: readonly FilterKey[];
  /** For kinds that decide their own breach (no condition): when it fires, in words. */
  decides?: string;
  /** The parsed parameters as the API nests them (default: as they are). */
  build?: (values: Record<string, unknown>) => Record<string, unknown>;
  /** A stored signal's parameters as texts (default: each `key` as it is). */
  read?: (signal: Record<string, unknown>) => Record<string, string>;
}

/** The levels the rollups store TTFT and queue wait sketches at. */
const STORED_QUANTILES = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
] as const;

/** The rollups' latency bucket bounds (ms): an SLO threshold must be one (scope.ts). */
export const LE_BOUNDS_MS = [
  10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920,
] as const;

const opts = (...vs: string[]) => vs.map((v) => [v, v] as const);

const quantileParam: ParamSpec = {
  key: 'quantile',
  label: 'Quantile (0–1)',
  initial: '0.95',
  parse: numberIn(0, 1),
};
const storedQuantileParam: ParamSpec = {
  key: 'quantile',
  label: 'Percentile',
  options: STORED_QUANTILES,
  initial: '0.95',
  parse: asNumber,
};
const gpuParams = (extra: ParamSpec[] = []): ParamSpec[] => [
  {
    key: 'aggregation',
    label: 'Per GPU, over its minutes',
    options: opts('avg', 'max', 'min'),
    initial: 'avg',
    parse: choice,
  },
  {
    key: 'across',
    label: 'Across GPUs',
    options: opts('max', 'min', 'avg'),
    initial: 'max',
    parse: choice,
  },
  ...extra,
];

const DIMS: readonly FilterKey[] = [
  'model',
  'version',
  'variant',
  'service',
  'provider',
  'operation',
];
const INFERENCE: readonly FilterKey[] = [...DIMS, 'host', 'attributes'];
const GPU: readonly FilterKey[] = ['model', 'service', 'host', 'gpu'];
const METRIC: readonly FilterKey[] = [...DIMS, 'host', 'gpu', 'attributes'];

const RATIO = () => 'ratio 0–1';
const fixed = (u: string) => () => u;
const inference = (label: string, unit: KindSpec['unit'], params: ParamSpec[] = []): KindSpec => ({
  label,
  group: 'Inference',
  unit,
  params,
  filters: INFERENCE,
});
const gpu = (label: string, unit: KindSpec['unit'], extra?: ParamSpec[]): KindSpec => ({
  label,
  group: 'GPU',
  unit,
  params: gpuParams(extra),
  filters: GPU,
});

/** Kinds whose value a condition compares with a threshold (an anomaly band may watch them). */
export const BASE_KINDS = {
  latency: inference('Latency percentile', fixed('ms'), [quantileParam]),
  ttft: inference('Time to first token', fixed('ms'), [storedQuantileParam]),
  queueWait: inference('Queue wait', fixed('ms'), [storedQuantileParam]),
  errorRate: inference('Error rate', RATIO),
  throughput: inference('Throughput', fixed('req/s')),
  tokens: inference('Tokens', (v) => (v.per === 's' ? 'tokens/s' : 'tokens'), [
    {
      key: 'tokenType',
      label: 'Tokens',
      options: opts('total', 'input', 'output'),
      initial: 'total',
      parse: choice,
    },
    {
      key: 'per',
      label: 'Counted',
      options: [
        ['window', 'in the window'],
        ['s', 'per second'],
      ],
      initial: 'window',
      parse: choice,
    },
  ]),
  cost: inference('Cost in the window', fixed('USD')),
  cacheHitRate: inference('Cache hit rate', RATIO),
  queueDepth: {
    label: 'Queue depth',
    group: 'Inference',
    unit: fixed('requests waiting'),
    params: [
      {
        key: 'aggregation',
        label: 'Over the window',
        options: opts('max', 'avg', 'min', 'last'),
        initial: 'max',
        parse: choice,
      },
    ],
    filters: METRIC,
  },
  drift: {
    label: 'Drift score',
    group: 'Quality',
    unit: (v) => `${v.measure || 'psi'} score`,
    params: [
      {
        key: 'measure',
        label: 'Measure',
        options: opts('psi', 'ks', 'wasserstein', 'js', 'chi2', 'auto', 'multivariate'),
        initial: 'psi',
        parse: choice,
      },
      {
        key: 'of',
        label: 'Score of',
        options: [
          ['worst', 'the worst feature'],
          ['named', 'a named feature'],
          ['multivariate', 'the multivariate row'],
        ],
        initial: 'worst',
        parse: choice,
      },
      {
        key: 'feature',
        label: 'Feature',
        initial: '',
        placeholder: 'prediction.value',
        parse: text(true),
        when: (v) => v.of === 'named',
      },
    ],
    filters: ['model', 'version', 'variant'],
    // `feature` absent: the worst feature; `""`: the multivariate row; else that feature.
    build: ({ of, feature, ...rest }) => ({
      ...rest,
      ...(of === 'named' ? { feature } : of === 'multivariate' ? { feature: '' } : {}),
    }),
    read: (s) => ({
      measure: typeof s.measure === 'string' ? s.measure : 'psi',
      of: s.feature === undefined ? 'worst' : s.feature === '' ? 'multivariate' : 'named',
      feature: typeof s.feature === 'string' ? s.feature : '',
    }),
  },
  accuracy: {
    label: 'Accuracy (feedback)',
    group: 'Quality',
    unit: RATIO,
    params: [],
    filters: DIMS,
  },
  gpuUtilization: gpu('GPU utilization', RATIO),
  gpuTemperature: gpu('GPU temperature', fixed('°C')),
  gpuMemory: gpu('GPU memory used', (v) => (v.unit === 'bytes' ? 'bytes' : 'ratio 0–1'), [
    {
      key: 'unit',
      label: 'Memory as',
      options: [
        ['ratio', 'share of the limit'],
        ['bytes', 'bytes'],
      ],
      initial: 'ratio',
      parse: choice,
    },
  ]),
  gpuPower: gpu('GPU power', fixed('W')),
  gpuThrottling: gpu('GPU throttling', RATIO),
  metric: {
    label: 'Any stored metric',
    group: 'Metrics',
    unit: fixed('metric value'),
    params: [
      { key: 'name', label: 'Metric name', initial: '', parse: text(true) },
      {
        key: 'aggregation',
        label: 'Aggregation',
        initial: 'avg',
        placeholder: 'avg',
        parse: (t) => {
          const v = t.trim();
          if (!v) return undefined;
          return /^(avg|max|min|sum|last|p\d{1,2}(\.\d+)?)$/.test(v)
            ? { value: v }
            : { problem: 'must be avg, max, min, sum, last or pNN (p95)' };
        },
      },
    ],
    filters: METRIC,
  },
  budget: {
    label: 'Budget spent',
    group: 'Spend',
    unit: fixed('share of the budget (1 = spent)'),
    params: [
      {
        key: 'limitUsd',
        label: 'Budget (USD)',
        initial: '',
        parse: numberIn(0, Number.POSITIVE_INFINITY, { open: 'min' }),
      },
      {
        key: 'by',
        label: 'Spend of',
        options: [
          ['project', 'the project'],
          ['model', 'the worst model'],
          ['attribute', 'the worst value of an attribute'],
        ],
        initial: 'project',
        parse: choice,
      },
      {
        key: 'attribute',
        label: 'Attribute key',
        initial: '',
        placeholder: 'user.id',
        parse: text(true),
        when: (v) => v.by === 'attribute',
      },
      {
        key: 'window',
        label: 'Budget window',
        initial: '',
        placeholder: 'the rule’s window',
        parse: signalDuration(1000, 400 * DAY, '1s to 400d', true),
      },
    ],
    filters: INFERENCE,
    build: ({ by, attribute, ...rest }) => ({
      ...rest,
      ...(by === undefined ? {} : { by: by === 'attribute' ? { attribute } : by }),
    }),
    read: (s) => {
      const by = s.by as string | { attribute: string } | undefined;
      return {
        ...(s.limitUsd === undefined ? {} : { limitUsd: String(s.limitUsd) }),
        by: typeof by === 'object' ? 'attribute' : (by ?? 'project'),
        attribute: typeof by === 'object' ? by.attribute : '',
        window: typeof s.window === 'string' ? s.window : '',
      };
    },
  },
} satisfies Record<string, KindSpec>;

/** A kind a condition compares. */
export type BaseKind = keyof typeof BASE_KINDS;

/** Kinds that decide their own breach: no condition. */
const SELF_DECIDING = {
  absence: {
    label: 'Absence of data',
    group: 'Decides its own breach',
    unit: fixed('matching inferences or points'),
    params: [
      {
        key: 'metric',
        label: 'Of metric',
        initial: '',
        placeholder: 'inferences',
        parse: text(false),
      },
    ],
    filters: METRIC,
    decides: 'Fires when nothing matched the filters in the window.',
  },
  slo: {
    label: 'SLO burn rate',
    group: 'Decides its own breach',
    unit: fixed('1h burn rate'),
    params: [
      {
        key: 'objective',
        label: 'Objective',
        options: [
          ['latency', 'latency under'],
          ['ttft', 'time to first token under'],
          ['errors', 'no errors'],
        ],
        initial: 'latency',
        parse: choice,
      },
      {
        key: 'thresholdMs',
        label: 'Threshold (ms)',
        options: LE_BOUNDS_MS.map((b) => [String(b), String(b)] as const),
        initial: '1280',
        parse: asNumber,
        when: (v) => v.objective !== 'errors',
      },
      {
        key: 'target',
        label: 'Target (0–1)',
        initial: '0.99',
        parse: numberIn(0, 1, { open: 'both' }),
      },
      {
        key: 'period',
        label: 'Period',
        initial: '30d',
        placeholder: '30d',
        parse: signalDuration(6 * 3_600_000, 400 * DAY, '6h to 400d', true),
      },
    ],
    filters: DIMS,
    decides:
      'Pages when the 1 h and 5 min burn rates both exceed 14.4 (for a 30-day period); warns when the 6 h and 30 min ones exceed 6.',
    build: ({ objective, thresholdMs, ...rest }) => ({
      ...rest,
      objective: objective === 'errors' ? { kind: 'errors' } : { kind: objective, thresholdMs },
    }),
    read: (s) => {
      const o = (s.objective ?? {}) as { kind?: string; thresholdMs?: number };
      return {
        objective: o.kind ?? 'latency',
        thresholdMs: o.thresholdMs === undefined ? '1280' : String(o.thresholdMs),
        target: s.target === undefined ? '' : String(s.target),
        period: typeof s.period === 'string' ? s.period : '',
      };
    },
  },
  anomaly: {
    label: 'Anomaly band',
    group: 'Decides its own breach',
    unit: fixed(''),
    params: [
      {
        key: 'seasonality',
        label: 'Compared with',
        options: [
          ['daily', 'the same time on past days'],
          ['weekly', 'the same time in past weeks'],
        ],
        initial: 'daily',
        parse: choice,
      },
      {
        key: 'threshold',
        label: 'Band width (robust spreads)',
        initial: '3',
        placeholder: '3',
        parse: numberIn(0, Number.POSITIVE_INFINITY, { open: 'min', optional: true }),
      },
      {
        key: 'minHistory',
        label: 'Fewest past points',
        initial: '',
        placeholder: '7 daily, 4 weekly',
        parse: (t, v) =>
          numberIn(3, v.seasonality === 'weekly' ? 8 : 14, { optional: true, int: true })(t, v),
      },
    ],
    filters: [],
    decides:
      'Fires when the signal leaves its seasonal band: the median of past values at the same time ± the band width in robust spreads.',
  },
} satisfies Record<string, KindSpec>;

/** Every kind the form offers (composite rules are shown read-only). */
export const KINDS: Record<string, KindSpec> = { ...BASE_KINDS, ...SELF_DECIDING };

/** The kinds in the order of the signal picker, by group. */
export function kindGroups(): Array<[KindSpec['group'], string[]]> {
  const out = new Map<KindSpec['group'], string[]>();
  for (const [k, spec] of Object.entries(KINDS))
    out.set(spec.group, [...(out.get(spec.group) ?? []), k]);
  return [...out];
}

/** Whether `kind` is one the form can edit. */
export function isFormKind(kind: string): boolean {
  return Object.hasOwn(KINDS, kind);
}

/** Whether `kind` can be watched by an anomaly band. */
export function isBaseKind(kind: string): kind is BaseKind {
  return Object.hasOwn(BASE_KINDS, kind);
}

/** The parameters of `spec` shown for `values` (some show only for a choice of another). */
export function shownParams(spec: KindSpec, values: Record<string, string>): ParamSpec[] {
  return spec.params.filter((p) => !p.when || p.when(values));
}
