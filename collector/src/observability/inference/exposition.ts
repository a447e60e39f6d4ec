/**
 * The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text, pure: metric
 * families in, text out. prom-client's registry is not used here: its values live in the
 * process, while these are read from the engine at each scrape and belong to one project.
 */

/** The two output formats. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** Content types of the two formats (what `Content-Type` says). */
export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** Label names to values, in the order they are written. */
export type Labels = Readonly<Record<string, string>>;

/** One histogram series: cumulative bucket counts by upper bound (without +Inf). */
export interface HistogramPoint {
  labels: Labels;
  /** `[le, cumulative count]`, increasing `le`; +Inf is added from `count`. */
  buckets: readonly (readonly [number, number])[];
  count: number;
  /** Sum of the observations; undefined when the source does not keep one. */
  sum?: number;
  /** Unix seconds the series started counting at (OpenMetrics `_created`). */
  created?: number;
}

/** One counter or gauge series. */
export interface ScalarPoint {
  labels: Labels;
  value: number;
  /** Counters: Unix seconds the series started counting at (OpenMetrics `_created`). */
  created?: number;
}

/** A metric family: its name without `_total` for counters, help text and points. */
export type MetricFamily =
  | { type: 'counter' | 'gauge'; name: string; help: string; unit?: string; points: ScalarPoint[] }
  | { type: 'histogram'; name: string; help: string; unit?: string; points: HistogramPoint[] };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value escaped for either format: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * HELP text escaped: backslash and line feed in the Prometheus format; OpenMetrics escapes
 * double quotes there too.
 */
export function escapeHelp(text: string, format: ExpositionFormat): string {
  const out = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? out.replace(/"/g, '\\"') : out;
}

/** A sample value: integers as written, `+Inf`/`-Inf`/`NaN` spelled as both formats want. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labelText(labels: Labels, extra?: readonly [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push([extra[0], extra[1]]);
  if (pairs.length === 0) return '';
  for (const [k] of pairs) if (!LABEL_NAME.test(k)) throw new Error(`bad label name ${k}`);
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function line(name: string, labels: Labels, value: number, extra?: readonly [string, string]) {
  return `${name}${labelText(labels, extra)} ${formatValue(value)}`;
}

/**
 * An `le` bound as text: the shortest decimal that reads back as the same number; an
 * integral bound as `1.0` in OpenMetrics (its canonical form, as the Go client writes it).
 */
function leText(bound: number, format: ExpositionFormat): string {
  const text = formatValue(bound);
  return format === 'openmetrics' && Number.isInteger(bound) && !/e/.test(text)
    ? `${text}.0`
    : text;
}

function familyLines(f: MetricFamily, format: ExpositionFormat): string[] {
  if (!NAME.test(f.name)) throw new Error(`bad metric name ${f.name}`);
  const om = format === 'openmetrics';
  // The Prometheus format names a counter family by its sample (`_total`); OpenMetrics by
  // the name without it, and the sample adds it.
  const familyName = f.type === 'counter' && !om ? `${f.name}_total` : f.name;
  const out = [
    `# HELP ${familyName} ${escapeHelp(f.help, format)}`,
    `# TYPE ${familyName} ${f.type}`,
  ];
  if (om && f.unit) out.push(`# UNIT ${familyName} ${f.unit}`);
  if (f.type === 'histogram') {
    for (const p of f.points) {
      for (const [le, n] of p.buckets)
        out.push(line(`${f.name}_bucket`, p.labels, n, ['le', leText(le, format)]));
      out.push(line(`${f.name}_bucket`, p.labels, p.count, ['le', '+Inf']));
      if (p.sum !== undefined) out.push(line(`${f.name}_sum`, p.labels, p.sum));
      out.push(line(`${f.name}_count`, p.labels, p.count));
      if (om && p.created !== undefined) out.push(line(`${f.name}_created`, p.labels, p.created));
    }
    return out;
  }
  for (const p of f.points) {
    if (f.type === 'counter') {
      out.push(line(`${f.name}_total`, p.labels, p.value));
      if (om && p.created !== undefined) out.push(line(`${f.name}_created`, p.labels, p.created));
    } else out.push(line(f.name, p.labels, p.value));
  }
  return out;
}

/**
 * The exposition text of `families` in `format`. Families are written in the given order,
 * each with its HELP and TYPE lines (and UNIT in OpenMetrics) even without points, so a
 * scrape of an empty project still says what it would hold. Histogram buckets are written
 * as given (cumulative) and closed with `le="+Inf"` equal to `_count`; OpenMetrics ends with
 * `# EOF` and adds `_created` samples.
 */
export function formatExposition(
  families: readonly MetricFamily[],
  format: ExpositionFormat,
): string {
  const lines = families.flatMap((f) => familyLines(f, format));
  if (format === 'openmetrics') lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/**
 * Which format an `Accept` header asks for: OpenMetrics when it lists
 * `application/openmetrics-text` with a quality at least that of any other type it lists
 * (Prometheus sends `application/openmetrics-text;version=1.0.0,...,text/plain;version=0.0.4;q=0.5`),
 * else the Prometheus text format.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'prometheus';
  let om = -1;
  let other = -1;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const qParam = params.find((p) => /^q=/i.test(p));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type.toLowerCase() === 'application/openmetrics-text') om = Math.max(om, q);
    else other = Math.max(other, q);
  }
  return om > 0 && om >= other ? 'openmetrics' : 'prometheus';
}
