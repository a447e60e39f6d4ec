/**
 * The agent's in-memory metric model: what collectors produce and the OTLP encoder consumes.
 * It mirrors the OTLP data model closely (gauge / cumulative sum, attributes per point) so that
 * encoding is a straight walk, and it stays plain data so collections can be printed as JSON
 * (`aiobs-agent snapshot`).
 */

/** Attribute values as OTLP carries them; integers are encoded as `int_value`. */
export type AttributeValue = string | number | boolean;

/** Attribute set of one data point. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** One data point: the value and the attributes that identify its series. */
export interface MetricPoint {
  readonly attributes: Attributes;
  readonly value: number;
}

/** A gauge (last value) metric, e.g. `hw.gpu.utilization`. */
export interface GaugeMetric {
  readonly kind: 'gauge';
  readonly name: string;
  readonly unit: string;
  readonly description?: string;
  readonly points: readonly MetricPoint[];
}

/**
 * A cumulative sum: a counter (`monotonic: true`, e.g. `system.network.io`) or an
 * up-down counter (`monotonic: false`, e.g. `system.memory.usage`).
 */
export interface SumMetric {
  readonly kind: 'sum';
  readonly name: string;
  readonly unit: string;
  readonly description?: string;
  readonly monotonic: boolean;
  /** Start of the cumulative series (Unix ms): boot time for kernel counters, agent start otherwise. */
  readonly startTimeMs: number;
  readonly points: readonly MetricPoint[];
}

/** Any metric the agent emits. */
export type Metric = GaugeMetric | SumMetric;

/** One collection: every metric read at one instant. */
export interface Collection {
  /** When the collection was taken (Unix ms); the time of every data point in it. */
  readonly timeMs: number;
  readonly metrics: readonly Metric[];
}

/** Resource attributes for every export, e.g. `host.name`, `service.name`. */
export type ResourceAttributes = Attributes;

/**
 * Builds a gauge, dropping points whose value is not a finite number (a field the driver
 * did not report stays out instead of becoming NaN).
 *
 * @example
 * gauge('system.uptime', 's', [{ attributes: {}, value: 12.5 }]);
 */
export function gauge(name: string, unit: string, points: readonly MetricPoint[]): GaugeMetric {
  return { kind: 'gauge', name, unit, points: finitePoints(points) };
}

/** Builds a cumulative sum; see {@link gauge} for the finite-value rule. */
export function sum(
  name: string,
  unit: string,
  monotonic: boolean,
  startTimeMs: number,
  points: readonly MetricPoint[],
): SumMetric {
  return { kind: 'sum', name, unit, monotonic, startTimeMs, points: finitePoints(points) };
}

function isFinitePoint(p: MetricPoint): boolean {
  return typeof p.value === 'number' && Number.isFinite(p.value);
}

/** The points with a finite value: the same array when all are (no copy per metric and interval). */
function finitePoints(points: readonly MetricPoint[]): readonly MetricPoint[] {
  return points.every(isFinitePoint) ? points : points.filter(isFinitePoint);
}

/** Drops metrics that ended up with no points. */
export function nonEmpty(metrics: readonly Metric[]): Metric[] {
  return metrics.filter((m) => m.points.length > 0);
}
