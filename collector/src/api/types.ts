/**
 * Response shapes of the collector's JSON API, for clients (the dashboard imports this
 * module with `import type`). Types only: nothing here exists at run time.
 *
 * Conventions: times are ISO 8601 UTC strings, durations milliseconds (`…Ms`), rates ratios
 * 0–1, money USD (`…Usd`). A figure that has no value (a percentile of no requests, a rate
 * over zero requests) is `null`.
 * @module
 */

/** Stored level a model query read: raw inference rows or the 1-minute / 1-hour rollups. */
export type ModelDataLevel = 'raw' | '1m' | '1h';

/** The range a model query answered for, after alignment to its level (`[from, to)`). */
export interface AnsweredRange {
  from: string;
  to: string;
  level: ModelDataLevel;
}

/** Figures of a set of inferences over a range. */
export interface InferenceStats {
  requests: number;
  errors: number;
  errorRate: number | null;
  latencyP50Ms: number | null;
  latencyP90Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  latencyMeanMs: number | null;
  /** Requests that reported a time to first token (streams). */
  streams: number;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  queueWaitP95Ms: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheHits: number;
  cacheHitRate: number | null;
  costUsd: number;
}

/** A model and the values it was served with over a range. */
export interface ModelValues {
  model: string;
  providers: string[];
  versions: string[];
  variants: string[];
  services: string[];
  operations: string[];
}

/** One model in `GET /api/v1/models`. */
export interface ModelSummary extends InferenceStats, ModelValues {}

/** `GET /api/v1/models`. */
export interface ModelsResponse extends AnsweredRange {
  models: ModelSummary[];
}

/** One model in `GET /api/v1/models/dimensions`: its values and request count, no figures. */
export interface ModelDimensions extends ModelValues {
  requests: number;
}

/** `GET /api/v1/models/dimensions`: the model pickers' choices, cheaper than the figures. */
export interface ModelDimensionsResponse extends AnsweredRange {
  models: ModelDimensions[];
}

/** Metrics `GET /api/v1/models/series` computes per bucket. */
export type SeriesMetric =
  | 'requests'
  | 'errors'
  | 'errorRate'
  | 'latencyP50'
  | 'latencyP90'
  | 'latencyP95'
  | 'latencyP99'
  | 'ttftP50'
  | 'ttftP95'
  | 'tokensPerS'
  | 'outputTokensPerS'
  | 'cacheHitRate'
  | 'queueWaitP95'
  | 'cost';

/** Dimensions a series may be split by. */
export type SeriesGroupBy = 'version' | 'variant' | 'provider' | 'service' | 'operation' | 'model';

/** One bucket: its start time and the requested metrics (latencies in ms, cost in USD). */
export type SeriesPoint = { time: string } & Partial<Record<SeriesMetric, number | null>>;

/** One line of a series: the group's value of the `groupBy` dimension (absent: all). */
export interface Series {
  group: Partial<Record<SeriesGroupBy, string>>;
  points: SeriesPoint[];
}

/** `GET /api/v1/models/series`. */
export interface ModelSeriesResponse extends AnsweredRange {
  stepMs: number;
  metrics: SeriesMetric[];
  series: Series[];
}

/** One arm of a comparison (`version:v2`, `variant:canary`). */
export interface CompareArm extends InferenceStats {
  dimension: 'version' | 'variant';
  value: string;
}

/** Numeric figures of {@link InferenceStats}, B minus A or B / A. */
export type StatsDelta = { [K in keyof InferenceStats]: number | null };

/** `GET /api/v1/models/compare`. */
export interface ModelCompareResponse extends AnsweredRange {
  model: string;
  a: CompareArm;
  b: CompareArm;
  /** b − a for each figure (null when either side is null). */
  delta: StatsDelta;
  /** b / a for each figure (null when either side is null or a is 0). */
  ratio: StatsDelta;
  /** Significance of B against A per measure (docs/models.md, "Canary and A/B verdicts"). */
  significance?: CompareSignificance;
}

/** One inference in `GET /api/v1/models/slowest`. */
export interface InferenceRow {
  time: string;
  traceId: string;
  spanId: string;
  service: string;
  operation: string;
  provider: string;
  model: string;
  requestModel: string;
  responseModel: string;
  version: string;
  variant: string;
  durationMs: number;
  ttftMs: number | null;
  queueWaitMs: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheHit: boolean;
  error: boolean;
  statusCode: string;
  errorType: string;
  finishReasons: string[];
  predictionId: string;
  hostName: string;
  k8sNodeName: string;
  k8sPodName: string;
  /** USD at the price in force for its provider and model (0 without a price). */
  costUsd: number;
}

/** `GET /api/v1/models/slowest`. */
export interface SlowestResponse {
  from: string;
  to: string;
  inferences: InferenceRow[];
}

/** Something that first appeared in the range (`GET /api/v1/changes`). */
export interface Change {
  kind: 'model' | 'version' | 'variant';
  model: string;
  /** Set for kind `version`. */
  version?: string;
  /** Set for kind `variant`. */
  variant?: string;
  firstSeen: string;
  lastSeen: string;
  /** Requests since it first appeared (within retention). */
  requests: number;
}

/** `GET /api/v1/changes`. */
export interface ChangesResponse {
  from: string;
  to: string;
  changes: Change[];
}

/** One dated token price (USD per million tokens) of a provider's model. */
export interface PriceEntry {
  provider: string;
  model: string;
  /** First day (UTC, `YYYY-MM-DD`) it applies. */
  effectiveFrom: string;
  inputPerMillion: number;
  outputPerMillion: number;
  cacheReadPerMillion: number;
  /** USD per GPU-hour of the hosts serving a self-hosted model; absent when not set. */
  gpuHourUsd?: number;
}

/** `GET` and `PUT /api/v1/prices`. */
export interface PricesResponse {
  revision: number;
  prices: PriceEntry[];
  /** Whose list is in force: the project's own, or the instance's it inherits. */
  scope: 'project' | 'instance';
}

/** GPU figures of a bucket (means over its samples; ratios 0–1, bytes, W, °C). */
export interface GpuValues {
  gpuUtilization: number | null;
  gpuMemoryUtilization: number | null;
  gpuMemoryUsageBytes: number | null;
  gpuPowerW: number | null;
  gpuTemperatureC: number | null;
  /** Share of samples throttled for the most frequent reason. */
  gpuThrottled: number | null;
}

/** A key of {@link GpuValues}. */
export type GpuMetricKey = keyof GpuValues;

/** One bucket of the GPU join: the inferences' figures and the mean over the GPUs. */
export type GpuJoinPoint = {
  time: string;
  requests: number;
  latencyP95Ms: number | null;
  ttftP95Ms: number | null;
} & GpuValues;

/** One GPU of a host that served the inferences. */
export interface GpuLineResponse {
  host: string;
  gpu: string;
  gpuName: string;
  points: ({ time: string } & GpuValues)[];
}

/** An inference span of the trace asked for. */
export interface TraceInferenceRow {
  time: string;
  spanId: string;
  model: string;
  service: string;
  host: string;
  durationMs: number;
  ttftMs: number | null;
  error: boolean;
}

/** `GET /api/v1/models/gpu`. */
export interface ModelGpuResponse extends AnsweredRange {
  stepMs: number;
  /** Hosts that served the inferences (Kubernetes node names where reported). */
  hosts: string[];
  points: GpuJoinPoint[];
  gpus: GpuLineResponse[];
  /** Pearson correlation over the buckets of each inference figure with each GPU figure. */
  correlation: {
    latencyP95Ms: Record<GpuMetricKey, number | null>;
    ttftP95Ms: Record<GpuMetricKey, number | null>;
  };
  /** With `traceId`: the trace's inference spans. */
  trace?: TraceInferenceRow[];
}

/**
 * `GET /api/v1/scaling`: autoscaling signals over the window ending now, flat and numeric
 * for KEDA's metrics-api scaler (0 where there are no data).
 */
export interface ScalingResponse {
  model?: string;
  service?: string;
  from: string;
  to: string;
  windowMs: number;
  /** Requests waiting, summed over the reporting replicas (latest value of each). */
  queueDepth: number;
  /** Mean utilization (0–1) of the GPUs of the hosts that served the inferences. */
  gpuUtilization: number;
  latencyPercentile: number;
  latencyMs: number;
  requests: number;
  /** Requests per second over the window. */
  requestRate: number;
  errorRate: number;
  hosts: string[];
}

/** One side of a drift comparison, as answered: a time range, or a stored baseline. */
export interface DriftSide {
  from?: string;
  to?: string;
  version?: string;
  variant?: string;
  /** The baseline's id and name when the reference is a stored baseline. */
  baseline?: string;
  name?: string;
}

/**
 * Drift of one feature (or prediction output) between the reference and the current
 * window (docs/drift.md). Statistics a type does not have are null.
 */
export interface FeatureDriftResponse {
  /** Feature name (without `aiobs.feature.`), or `prediction.value|label|score`. */
  feature: string;
  /** From the values' OTLP type: int/double numeric, string/bool categorical. */
  type: 'numeric' | 'categorical';
  referenceCount: number;
  currentCount: number;
  /** PSI on the reference's 10 decile bins (numeric) or over categories; shares floored at 1e-4. */
  psi: number | null;
  /** Jensen–Shannon distance, base 2, on the same bins or categories. */
  jensenShannon: number | null;
  ksStatistic: number | null;
  ksPValue: number | null;
  /** Wasserstein-1 distance divided by the reference's population standard deviation. */
  wassersteinNormed: number | null;
  chiSquarePValue: number | null;
  /**
   * Numeric features above the sampling cap (docs/drift.md "Sampling above the cap"): the
   * values per side the bins, PSI, Jensen–Shannon, KS and Wasserstein figures used, a
   * uniform sample of the counts above; null when every value was used (always for
   * categorical features).
   */
  sampled?: { reference: number; current: number } | null;
  verdict: 'drift' | 'moderate' | 'no_drift' | 'insufficient_data';
  /** The measure the verdict rests on; null with insufficient data. */
  measure: 'ks' | 'chisquare' | 'wasserstein' | 'jensenShannon' | 'psi' | null;
  score: number | null;
  threshold: number | null;
  /**
   * With `thresholds: "reference"`: the band from the reference's chunk-to-chunk
   * Jensen–Shannon distances (mean ± 3σ over `chunks` chunks of the current size); null
   * where fewer than 6 chunks fit (the fixed thresholds then decide).
   */
  limits?: DriftLimits | null;
}

/** Limits from the reference's own variation (docs/drift.md "Thresholds from the reference"). */
export interface DriftLimits {
  lower: number;
  upper: number;
  mean: number;
  sd: number;
  chunks: number;
}

/** `GET /api/v1/drift`. */
export interface DriftResponse {
  model: string;
  reference: DriftSide;
  current: DriftSide;
  method: 'auto' | 'psi';
  /** `fixed` thresholds, or limits from the reference's variation (`reference`). */
  thresholds: 'fixed' | 'reference';
  /** Fewest values on either side for a verdict. */
  minSamples: number;
  features: FeatureDriftResponse[];
  /** The model's outputs (`aiobs.prediction.value|label|score`), judged alike. */
  predictions: FeatureDriftResponse[];
  /** Drift of the features' joint distribution (docs/api.md "Multivariate drift"). */
  multivariate: MultivariateDrift;
}

/**
 * The multivariate drift score: PCA reconstruction error (NannyML's data reconstruction
 * drift). A PCA fitted on the reference's standardized features (numeric as they are,
 * categorical frequency-encoded) keeps the components explaining over 90% of the variance;
 * `score` is the current inferences' mean reconstruction error, `referenceScore` the
 * reference's own (on held-out reference rows). Flags a change in how features move
 * together (a correlation that flips) that leaves each feature's distribution unchanged.
 */
export interface MultivariateDrift {
  method: 'pca_reconstruction';
  /** Mean reconstruction error of the current rows; null with insufficient data. */
  score: number | null;
  /**
   * Drift above this: the larger of `referenceScore` + 3 standard errors of the difference
   * of the two means, and `referenceScore` × 1.1.
   */
  threshold: number | null;
  /** `score > threshold`; null with insufficient data. */
  drifted: boolean | null;
  verdict: 'drift' | 'no_drift' | 'insufficient_data';
  /** Mean reconstruction error of the held-out reference rows. */
  referenceScore: number | null;
  /** Inferences sampled per side (at most 5,000 each). */
  referenceRows: number;
  currentRows: number;
  /** The features used (those that vary in the reference). */
  features: string[];
  /** Principal components kept, and the share of the variance they explain. */
  components: number;
  explainedVariance: number | null;
  /** Why there is no score when the data cannot give one (an uploaded baseline). */
  reason?: string;
}

/** One feature of `GET /api/v1/drift/ranking`. */
export interface DriftRankingEntry {
  feature: string;
  /**
   * Spearman's rank correlation of the feature's per-window drift score with the per-window
   * `against` measure; null with fewer than 3 windows or a constant series.
   */
  spearman: number | null;
  /** Windows with both a drift score and the `against` measure. */
  windows: number;
  /** Of those, windows in which the feature's stored verdict (of `measure`) was `drift`. */
  driftedWindows: number;
  against: 'error_rate' | 'accuracy';
}

/** `GET /api/v1/drift/ranking`: features whose drift goes with worse quality first. */
export interface DriftRankingResponse {
  model: string;
  baseline: string;
  /** The stored measure whose per-window score is ranked (`js` by default). */
  measure: string;
  against: 'error_rate' | 'accuracy';
  from: string;
  to: string;
  stepMs: number;
  ranking: DriftRankingEntry[];
}

/** One window of a drift series. */
export interface DriftSeriesPoint {
  /** Window start and end, ISO 8601. */
  from: string;
  to: string;
  score: number | null;
  pValue: number | null;
  verdict: 'drift' | 'moderate' | 'no_drift' | 'insufficient_data';
  referenceCount: number;
  currentCount: number;
}

/** One feature's (or prediction output's) scores over time, for one version and variant. */
export interface DriftSeries {
  kind: 'feature' | 'prediction';
  feature: string;
  /** null when the series spans every version (or variant): computed without that filter. */
  version: string | null;
  variant: string | null;
  points: DriftSeriesPoint[];
}

/** A time-range reference as answered: its range (ISO 8601) and filters. */
export interface DriftTimeReference {
  from: string;
  to: string;
  version?: string;
  variant?: string;
}

/**
 * `GET /api/v1/drift/series`. The reference is `baseline` (a stored baseline's id) or
 * `reference` (a time range: `refFrom`/`refTo`); exactly one of them is set.
 */
export interface DriftSeriesResponse {
  model: string;
  baseline?: string;
  reference?: DriftTimeReference;
  /** `stored`: read from the scheduled job's results; `computed`: per window on request. */
  source: 'stored' | 'computed';
  /** `auto` (the verdict's own measure) or one of psi, ks, wasserstein, js, chi2. */
  measure: string;
  stepMs: number;
  from: string;
  to: string;
  series: DriftSeries[];
}

/** One bin (numeric) or category of `GET /api/v1/drift/histogram`, as shares of each side. */
export interface DriftHistogramBin {
  /** Numeric: the bin's edges `[lower, upper)`; null for the open outer ends. */
  lower?: number | null;
  upper?: number | null;
  /** Categorical: the category. */
  category?: string;
  reference: number;
  current: number;
  referenceCount: number;
  currentCount: number;
}

/** `GET /api/v1/drift/histogram`: the reference and current distribution of one feature. */
export interface DriftHistogramResponse {
  model: string;
  kind: 'feature' | 'prediction';
  feature: string;
  type: 'numeric' | 'categorical';
  /** A stored baseline (`baseline`, `name`) or a time range (`from`, `to`, filters). */
  reference: DriftSide;
  current: DriftSide;
  referenceCount: number;
  currentCount: number;
  bins: DriftHistogramBin[];
}

/** A service in `GET /api/v1/services`: span volume, errors and span duration percentiles. */
export interface ServiceSummary {
  name: string;
  spanCount: number;
  errorCount: number;
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  lastSeen: string;
}

/** `GET /api/v1/services`. */
export interface ServicesResponse {
  services: ServiceSummary[];
}

/** One trace in `GET /api/v1/traces`. */
export interface TraceSummary {
  traceId: string;
  /** The span without a parent (or the earliest span when the root is missing). */
  rootSpan: { name: string; serviceName: string };
  services: string[];
  spanCount: number;
  errorCount: number;
  error: boolean;
  startTime: string;
  /** First span start to last span end. */
  durationMs: number;
}

/** `GET /api/v1/traces`. */
export interface TracesResponse {
  traces: TraceSummary[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** An event of a span. */
export interface SpanEvent {
  time: string;
  timeUnixNano: string;
  name: string;
  attributes: Record<string, string>;
}

/** A link from a span to another trace's span. */
export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Record<string, string>;
}

/** One span of `GET /api/v1/traces/:traceId`, with everything stored about it. */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: string;
  serviceName: string;
  startTime: string;
  startTimeUnixNano: string;
  durationMs: number;
  durationNs: string;
  /** `Unset`, `Ok` or `Error`. */
  statusCode: string;
  statusMessage: string;
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  scope: { name: string; version: string };
  events: SpanEvent[];
  links: SpanLink[];
}

/** `GET /api/v1/traces/:traceId`: spans ordered by start time. */
export interface TraceResponse {
  traceId: string;
  spans: TraceSpan[];
}

/** The latest value of one metric (and attribute set) on a host or GPU. */
export interface LatestMetric {
  name: string;
  unit: string;
  attributes: Record<string, string>;
  value: number;
  time: string;
}

/** A host in `GET /api/v1/hosts`: its `system.*` metrics and how many GPUs reported. */
export interface HostSummary {
  hostName: string;
  lastSeen: string;
  gpuCount: number;
  metrics: LatestMetric[];
}

/** `GET /api/v1/hosts`. */
export interface HostsResponse {
  hosts: HostSummary[];
}

/** A GPU in `GET /api/v1/gpus`, identified by host and `hw.id`. */
export interface GpuSummary {
  hostName: string;
  id: string;
  name: string;
  vendor: string;
  model: string;
  metrics: LatestMetric[];
  lastSeen: string;
}

/** `GET /api/v1/gpus`. */
export interface GpusResponse {
  gpus: GpuSummary[];
}

/** One series of `GET /api/v1/gpus/series`: one GPU and attribute set. */
export interface GpuSeries {
  hostName: string;
  gpuId: string;
  gpuName: string;
  attributes: Record<string, string>;
  points: { time: string; value: number }[];
}

/** `GET /api/v1/gpus/series`. */
export interface GpuSeriesResponse {
  metric: string;
  agg: string;
  stepMs: number;
  series: GpuSeries[];
}

/** A stored drift baseline (`/api/v1/drift/baselines`). */
export interface DriftBaseline {
  id: string;
  name: string;
  model: string;
  source: 'version' | 'range' | 'sample';
  /** Set when `source` is `version` (else empty). */
  version: string;
  /** Set when `source` is `range` (else 0). */
  fromMs: number;
  toMs: number;
  /** Most values kept per feature. */
  cap: number;
  createdAt: string;
  /** The model's baseline the scheduled drift job compares against (one per model). */
  isDefault: boolean;
  /** `fixed` thresholds or limits from the `reference`'s own variation (NannyML-style). */
  thresholds: 'fixed' | 'reference';
  /** Uploaded samples (`source: "sample"`): how each column was typed. */
  valueTypes?: Record<string, 'numeric' | 'categorical'>;
}

/** Values a baseline holds per feature. */
export interface BaselineFeatureCount {
  kind: string;
  feature: string;
  type: 'numeric' | 'categorical';
  count: number;
}

/** `GET /api/v1/drift/baselines/:id` and the answer of `POST /api/v1/drift/baselines`. */
export interface DriftBaselineDetail extends DriftBaseline {
  features: BaselineFeatureCount[];
}

/** `GET /api/v1/drift/baselines`. */
export interface DriftBaselinesResponse {
  baselines: DriftBaseline[];
}

/** Precision, recall and F1 of one label, taken as the positive class (null: undefined). */
export interface LabelQuality {
  label: string;
  /** Labelled predictions whose true label (feedback) is this one. */
  support: number;
  /** Labelled predictions that predicted this label. */
  predicted: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/** One reliability bin of the prediction score: `[lower, upper)`, the last one closed. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean score of the bin (the confidence the model claimed). */
  meanScore: number | null;
  /** Share of its predictions that were correct (what the confidence should equal). */
  accuracy: number | null;
}

/**
 * Quality of a set of predictions from their feedback (docs/models.md, "Quality from
 * feedback"). Only feedback that arrived within the label delay counts.
 */
export interface QualityFigures {
  /** Inferences with a prediction id. */
  predictions: number;
  /** Of those, with feedback within the label delay. */
  labelled: number;
  /** labelled / predictions. */
  coverage: number | null;
  /** Labelled predictions whose correctness is known (`correct` sent, or both labels). */
  judged: number;
  accuracy: number | null;
  /** Labelled predictions with a predicted and a true label. */
  classified: number;
  /** Means over the labels (the union of true and predicted), scikit-learn's `macro`. */
  macroPrecision: number | null;
  macroRecall: number | null;
  macroF1: number | null;
  /** Predicted and true numeric values (`aiobs.prediction.value`, `aiobs.feedback.value`). */
  regressed: number;
  mae: number | null;
  rmse: number | null;
  /** Mean of predicted − true (bias). */
  meanError: number | null;
  /** Judged predictions with a score in [0, 1]. */
  scored: number;
  /** Mean of (score − correct)² over them. */
  brier: number | null;
  /** Expected calibration error over the 10 reliability bins. */
  ece: number | null;
  /** Labelled predictions with a feedback score (a rating). */
  rated: number;
  meanFeedbackScore: number | null;
}

/** Quality of one bucket of time. */
export type QualityPoint = { time: string } & QualityFigures;

/** Quality of one version or variant: over the whole range, and per bucket. */
export interface QualityGroup {
  group: Partial<Record<'version' | 'variant', string>>;
  total: QualityFigures & {
    /** Per label (most support first, at most 100). */
    labels: LabelQuality[];
    /** With two labels: the figures of the positive one. */
    positive: LabelQuality | null;
    /** Ten bins of width 0.1. */
    reliability: ReliabilityBin[];
  };
  points: QualityPoint[];
}

/** `GET /api/v1/models/quality`. */
export interface ModelQualityResponse {
  model: string;
  from: string;
  to: string;
  stepMs: number;
  groupBy: 'version' | 'variant';
  /** Feedback recorded later than this after its prediction does not count. */
  labelDelayMs: number;
  /**
   * Buckets that start before this time are final: all the feedback they can get has had
   * time to arrive. Later buckets may still gain labels (lower coverage).
   */
  finalBefore: string;
  groups: QualityGroup[];
}

/** What a comparison concluded for one measure, from B's side (the candidate against A). */
export type CompareVerdict = 'better' | 'worse' | 'no_significant_difference' | 'insufficient_data';

/**
 * Significance of one measure of a comparison (docs/models.md, "Canary and A/B verdicts").
 * The verdict rests on the always-valid p-value, so looking every minute does not raise the
 * false-alarm rate above `alpha`.
 */
export interface MeasureSignificance {
  verdict: CompareVerdict;
  test: 'mann-whitney-u' | 'two-proportion-z';
  nA: number;
  nB: number;
  /** The measure of each arm (a rate; null for latency, whose percentiles are on the arms). */
  a: number | null;
  b: number | null;
  /**
   * `probabilityBHigher`: P(a B value above an A value) + ½ P(tie), 0.5 = no difference;
   * `difference`: B − A.
   */
  effectMeasure: 'probabilityBHigher' | 'difference';
  effect: number | null;
  /** Always-valid confidence interval of the effect, level 1 − alpha. */
  ci: [number, number] | null;
  /** Fixed-horizon two-sided p-value (SciPy's): valid for one planned look only. */
  pValue: number | null;
  /** Always-valid p-value (mixture SPRT): what the verdict uses. */
  alwaysValidPValue: number | null;
}

/** Drift of each arm against one baseline. */
export interface ArmDrift {
  /** Features (and prediction outputs) judged `drift`, `moderate`, and with too few values. */
  drift: string[];
  moderate: string[];
  insufficientData: string[];
  features: number;
}

/** Significance of a comparison: each measure, from B's side. */
export interface CompareSignificance {
  alpha: number;
  minSamples: number;
  labelDelayMs: number;
  /** How repeated looks are handled (the sequential test and its mixture). */
  sequentialRule: string;
  latency: MeasureSignificance;
  errorRate: MeasureSignificance;
  /** From feedback (correct, or predicted = true label) within the label delay. */
  accuracy: MeasureSignificance;
  /**
   * With `baseline=<id>` (or `baseline=default`: the model's default baseline, else its
   * newest; absent when the model has none): `worse` when B drifts on more features than A,
   * `better` on fewer. `baseline` is the id of the one used.
   */
  drift?: { baseline: string; verdict: CompareVerdict; a: ArmDrift; b: ArmDrift };
}

// ---- Collector health (`/api/v1/collectors`; docs/api.md "Self-observability") ----

/**
 * One bucket of a collector's health. Rates are per second over the bucket, from the
 * differences of the totals the collector stored (null where the previous total is unknown:
 * the first bucket of a run that started before the range).
 */
export interface CollectorHealthPoint {
  time: string;
  /**
   * What the rates are over, ms: from the last row before this bucket's (or the run's start)
   * to this bucket's last row. Rows are written on a timer, not on bucket edges, so a rate ×
   * this (not × the step) gives the count; null where the rates are.
   */
  rateWindowMs: number | null;
  /** Spans, data points and log records accepted. */
  acceptedPerS: number | null;
  /** Records rejected one by one (`partial_success`). */
  rejectedPerS: number | null;
  /** Requests refused with 503 (write path full, memory bound, storage failing). */
  refusedPerS: number | null;
  /** Of those, refused at the memory bound. */
  memoryRefusedPerS: number | null;
  /** Requests answered 400 (not OTLP) or 413 (too large). */
  decodeErrorsPerS: number | null;
  tooLargePerS: number | null;
  rowsWrittenPerS: number | null;
  insertsPerS: number | null;
  insertFailuresPerS: number | null;
  /** Mean time of an insert over the bucket, ms. */
  insertMeanMs: number | null;
  /** The highest values the bucket's rows saw. */
  pendingBytes: number;
  maxPendingBytes: number;
  rssBytes: number;
  /** The memory bound (`--max-rss-bytes`; 0: none). */
  memoryBoundBytes: number;
  activeParts: number;
  mergesRunning: number;
  alertRules: number;
  evaluationsPerS: number | null;
  evaluationFailuresPerS: number | null;
  /** Over the evaluator's last 10,000 evaluations when each row was written, ms. */
  evaluationLagP99Ms: number;
  evaluationP99Ms: number;
}

/** One collector process (`host:pid`) and its health over the range. */
export interface CollectorHealth {
  collector: string;
  /** When its latest run in the range started, and its last row. */
  startedAt: string;
  lastSeen: string;
  points: CollectorHealthPoint[];
}

/** `GET /api/v1/collectors`: every collector's health rows (`aiobs_collector_stats`). */
export interface CollectorHealthResponse {
  from: string;
  to: string;
  stepMs: number;
  /** How often collectors write a row (`--stats-interval`); 0: this one writes none. */
  intervalMs: number;
  collectors: CollectorHealth[];
}

// ---- Alerts (`/api/v1/alert-rules`, `/api/v1/alerts`; docs/api.md "Alerts") ----

/** A filter an alert signal may carry (the rule API refuses one its kind cannot honour). */
export type AlertFilterKey =
  | 'service'
  | 'model'
  | 'version'
  | 'variant'
  | 'provider'
  | 'operation'
  | 'host'
  | 'gpu'
  | 'attributes';

/** An alert rule as stored (`GET /api/v1/alert-rules/:id`, the answer of create/update). */
export interface AlertRule {
  id: string;
  project: string;
  name: string;
  /** What the rule measures: `{"kind", ...parameters, ...filters}` (docs/alerts.md). */
  signal: { kind: string } & Record<string, unknown>;
  /** Durations as written: `"5m"`, `"30s"`. */
  window: string;
  /** Absent for kinds that decide their own breach (slo, anomaly, composite, absence). */
  condition?: { op: '>' | '>=' | '<' | '<=' | '==' | '!='; threshold: number; warning?: number };
  for: string;
  keepFiringFor: string;
  interval: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  channels: string[];
  enabled: boolean;
  noDataState: 'no_data' | 'ok' | 'alerting';
  errorState: 'error' | 'ok' | 'alerting';
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/v1/alert-rules`. */
export interface AlertRulesResponse {
  rules: AlertRule[];
}

/** The state of a rule's alert. */
export type AlertStateName = 'inactive' | 'pending' | 'firing' | 'resolved' | 'no_data' | 'error';

/** A rule's current alert (`GET /api/v1/alerts`). */
export interface AlertStatus {
  ruleId: string;
  ruleName: string;
  state: AlertStateName;
  severity: 'critical' | 'warning' | null;
  labels: Record<string, string>;
  /** The rule's annotation templates (rendered ones are in the notifications). */
  annotations: Record<string, string>;
  fingerprint: string;
  /** The value of the last evaluation (null: no data). */
  value: number | null;
  /** When the current breach began (pending since). */
  activeAt: string | null;
  /** When it started firing. */
  firingSince: string | null;
  resolvedAt: string | null;
  lastEvaluatedAt: string | null;
  /** Why the last evaluation failed, in state `error` (or while firing). */
  error: string | null;
  /** Transition counter (part of each notification id). */
  seq: number;
  enabled: boolean;
}

/** `GET /api/v1/alerts`. */
export interface AlertsResponse {
  alerts: AlertStatus[];
}

/** One transition (`GET /api/v1/alerts/history`). */
export interface AlertHistoryEntry {
  ruleId: string;
  ruleName: string;
  seq: number;
  time: string;
  from: AlertStateName;
  to: AlertStateName;
  severity: 'critical' | 'warning' | null;
  value: number | null;
  labels: Record<string, string>;
  fingerprint: string;
  /** The notification sent for it (`ruleId:fingerprint:seq`), null when none was. */
  notificationId: string | null;
}

/** `GET /api/v1/alerts/history`. */
export interface AlertHistoryResponse {
  entries: AlertHistoryEntry[];
  /** Pass as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

/** `POST /api/v1/alert-rules/preview`: the draft replayed over a past range. */
export interface AlertPreviewResponse {
  from: string;
  to: string;
  stepMs: number;
  windowMs: number;
  condition: AlertRule['condition'] | null;
  points: {
    time: string;
    value: number | null;
    breach?: 'firing' | 'warning' | 'ok';
    band?: { lower: number; upper: number };
    details?: Record<string, number | null>;
    /** What this sample alone reaches. */
    level: 'critical' | 'warning' | null;
    /** The rule's state after this evaluation. */
    state: AlertStateName;
  }[];
  /** Where the rule would have fired (`to` null: still firing at the end). */
  firing: { from: string; to: string | null; severity: 'critical' | 'warning' }[];
}

// ---- Channels and silences (`/api/v1/channels`, `/api/v1/silences`,
// `/api/v1/maintenance-windows`; docs/api.md "Channels and silences") ----

/** A label matcher, Alertmanager's four operators; regexes are anchored. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A webhook channel (`GET /api/v1/channels/:id`, the answer of update). */
export interface Channel {
  id: string;
  name: string;
  type: 'webhook';
  url: string;
  format: 'alertmanager' | 'slack' | 'template';
  /** With `format: "template"`: the mustache-like body template. */
  template?: string;
  /** Extra request headers; values are shown as `<hidden>`. */
  headers?: Record<string, string>;
  /** Alerts whose labels match all of these come here even when their rule does not name it. */
  matchers: LabelMatcher[];
  groupBy: string[];
  /** Durations as written: `"30s"`, `"5m"`, `"4h"`. */
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  createdAt: string;
  updatedAt: string;
  health: ChannelHealth;
}

/** Delivery health from the channel's latest attempts. */
export interface ChannelHealth {
  /** `failing` after 3 failed attempts in a row; `unknown` before any attempt. */
  status: 'ok' | 'failing' | 'unknown';
  consecutiveFailures: number;
  lastAttemptAt?: string;
  lastStatus?: number;
  lastError?: string;
}

/** `POST /api/v1/channels`: the channel and its signing secret, shown this once. */
export interface ChannelCreated extends Channel {
  /** `whsec_…`: verify requests with it (Standard Webhooks). */
  secret: string;
}

/** `GET /api/v1/channels`. */
export interface ChannelsResponse {
  channels: Channel[];
}

/** `POST /api/v1/channels/:id/test`: the first attempt of a test notification. */
export interface ChannelTestResponse {
  /** The `webhook-id` of the request; retries (for `pending`) keep it. */
  deliveryId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempt: number;
  httpStatus?: number;
  error?: string;
  /** Why the target was refused before any connection (private address, scheme, ...). */
  refused?: string;
  nextAttemptAt?: string;
  durationMs: number;
}

/** A silence (`GET /api/v1/silences/:id`). */
export interface Silence {
  id: string;
  matchers: LabelMatcher[];
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string;
  createdAt: string;
  status: { state: 'pending' | 'active' | 'expired' };
}

/** `GET /api/v1/silences`. */
export interface SilencesResponse {
  silences: Silence[];
}

/** A maintenance window: one-off (`startsAt`, `endsAt`) or weekly (`recurrence`). */
export interface MaintenanceWindow {
  id: string;
  name: string;
  /** Empty: every alert of the project. */
  matchers: LabelMatcher[];
  startsAt?: string;
  endsAt?: string;
  recurrence?: {
    days: ('sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat')[];
    /** `HH:MM`, local time in `timezone`; an `end` before `start` runs past midnight. */
    start: string;
    end: string;
    timezone: string;
  };
  /** Whether it mutes now. */
  active: boolean;
  createdAt: string;
}

/** `GET /api/v1/maintenance-windows`. */
export interface MaintenanceWindowsResponse {
  windows: MaintenanceWindow[];
}

// ---- Projects, users and tokens (tenancy) ----

/** A member's role in a project, most allowed first. */
export type ProjectRole = 'owner' | 'editor' | 'viewer';

/** What a credential is: the instance admin token, a project key, or a user. */
export type CredentialKind = 'admin' | 'ingest' | 'read' | 'user';

/** A user as the API shows it (never a password hash). */
export interface UserInfo {
  id: string;
  email: string;
  name: string;
  instanceAdmin: boolean;
  disabled: boolean;
  createdAt: string;
}

/** `POST /api/v1/auth/login` (and `GET /api/v1/auth/session`, without `user`). */
export interface LoginResponse {
  csrfToken: string;
  expiresAt: string;
  user?: UserInfo | null;
}

/** `GET /api/v1/auth/me`: who the caller is and the projects it may use. */
export interface MeResponse {
  user: UserInfo | null;
  kind: CredentialKind;
  instanceAdmin: boolean;
  projects: Array<{ id: string; name: string; role: ProjectRole }>;
}

/** A project the caller may use (`GET /api/v1/projects`). */
export interface ProjectInfo {
  id: string;
  name: string;
  createdAt: string;
  /** The caller's role; absent for an instance admin who is not a member. */
  role?: ProjectRole;
}

/** `GET /api/v1/projects`. */
export interface ProjectsResponse {
  projects: ProjectInfo[];
}

/** A project's ingest or read key, listed by prefix (the key itself is shown once). */
export interface ProjectKey {
  id: string;
  prefix: string;
  kind: 'ingest' | 'read';
  name: string;
  createdAt: string;
  expiresAt: string | null;
  createdBy?: string;
}

/** `GET /api/v1/projects/:id/keys`. */
export interface ProjectKeysResponse {
  keys: ProjectKey[];
}

/** `POST /api/v1/projects/:id/keys` and `…/rotate`: the new key, shown once. */
export interface ProjectKeyCreated extends ProjectKey {
  key: string;
}

/** A personal API token of the signed-in user, listed by prefix. */
export interface PersonalToken {
  id: string;
  prefix: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
}

/** `GET /api/v1/auth/tokens`. */
export interface PersonalTokensResponse {
  tokens: PersonalToken[];
}

/** `POST /api/v1/auth/tokens`: the new token, shown once. */
export interface PersonalTokenCreated extends PersonalToken {
  token: string;
}

/** A project member. */
export interface ProjectMember {
  userId: string;
  email: string;
  name: string;
  role: ProjectRole;
  createdAt: string;
}

/** `GET /api/v1/projects/:id/members`. */
export interface ProjectMembersResponse {
  members: ProjectMember[];
}

/** One audit log entry: who did what to which target. */
export interface AuditEntry {
  at: string;
  /** `admin-token`, `user:<id>` or `key:<id>`. */
  actor: string;
  /** e.g. `key.create`, `member.add`, `projects.keys.rotate`. */
  action: string;
  target: string;
  /** JSON text (method, path, status). */
  details: string;
}

/** `GET /api/v1/projects/:id/audit`. */
export interface AuditResponse {
  entries: AuditEntry[];
  nextCursor: string | null;
}

/** One series of `GET /api/v1/metrics/series`: its group values and its buckets. */
export interface MetricSeries {
  /** The `groupBy` keys and their values (`service.name`, `resource.<key>`, an attribute). */
  group: Record<string, string>;
  points: { time: string; value: number | null }[];
}

/** `GET /api/v1/metrics/series`: one stored metric by name, per bucket and group. */
export interface MetricSeriesResponse {
  name: string;
  type: 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
  agg: string;
  /** The range read, as asked (`[from, to)`). */
  from: string;
  to: string;
  stepMs: number;
  series: MetricSeries[];
}
