import { useMemo, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatTick, formatTooltipTime } from '../../lib/format.js';
import { isolatedPoints } from './isolated-points.js';
import { seriesColor } from './palette.js';
import { timeTicks } from './time-ticks.js';
import { valueAxis } from './value-axis.js';

/** A row of a chart: its time (ms) and one value per line key. */
export type ChartRow = { t: number } & Record<string, number | null>;

/**
 * A vertical marker on the time axis (a new version, a drift verdict). The chart draws only
 * the short `marker` ("1", "2"...) so close markers stay readable; `label` is the full text,
 * shown on hover and in the list that explains the markers.
 */
export interface Annotation {
  t: number;
  marker: string;
  label: string;
  /** The end of a span of time (a drifted window): drawn as a shaded area from `t` to here. */
  toT?: number;
  /** Its colour: a change (default), a moderate or a drift verdict. */
  tone?: 'change' | 'moderate' | 'drift';
}

const TONES: Record<NonNullable<Annotation['tone']>, string> = {
  change: 'var(--annotation)',
  moderate: 'var(--warn)',
  drift: 'var(--error)',
};

/**
 * The short marker of an annotation: at the top of a line, at the bottom of an area, so an
 * area starting where a line stands (a new version, then drift) keeps both readable.
 */
function markerLabel(a: Annotation) {
  const fill = TONES[a.tone ?? 'change'];
  return ({ viewBox }: { viewBox?: { x?: number; y?: number; height?: number } }) => (
    <text
      className="annotation-marker"
      x={(viewBox?.x ?? 0) + 3}
      y={(viewBox?.y ?? 0) + (a.toT !== undefined ? (viewBox?.height ?? 15) - 4 : 11)}
      fill={fill}
      fontSize={11}
      fontWeight={600}
    >
      <title>{a.label}</title>
      {a.marker}
    </text>
  );
}

/** Props of {@link TimeSeriesChart}. */
export interface TimeSeriesChartProps {
  rows: ChartRow[];
  /** Line keys, in legend order. */
  lines: string[];
  /** Axis label with its unit, e.g. `latency (ms)`. */
  unit: string;
  format: (v: number) => string;
  fromMs: number;
  toMs: number;
  annotations?: Annotation[];
  height?: number;
  /**
   * The y axis's bounds, e.g. `[0, 1]` for a ratio (default: from 0 to a round value above
   * the data, see {@link valueAxis}).
   */
  yDomain?: [number, number];
  /** Called with the range dragged across the chart (drag-to-zoom). */
  onZoom?: (fromMs: number, toMs: number) => void;
}

/**
 * A time series line chart: time on x over the whole requested range, the unit on the y
 * axis, a tooltip with formatted values, a legend, and annotations as dashed vertical lines.
 * Dragging across it selects a range and calls `onZoom` (the page then narrows the URL range).
 */
export function TimeSeriesChart({
  rows,
  lines,
  unit,
  format,
  fromMs,
  toMs,
  annotations = [],
  height = 220,
  yDomain,
  onZoom,
}: TimeSeriesChartProps) {
  const span = toMs - fromMs;
  const ticks = useMemo(() => timeTicks(fromMs, toMs), [fromMs, toMs]);
  const fitted = useMemo(
    () => (yDomain ? undefined : valueAxis(rows, lines)),
    [yDomain, rows, lines],
  );
  const [drag, setDrag] = useState<{ a: number; b?: number }>();
  // A point between gaps has no segment to draw: only those get a dot (a dot function on
  // every line would add an element per point to every chart).
  const dots = useMemo(
    () =>
      lines.map((key, i) => {
        const alone = isolatedPoints(rows, key);
        if (alone.size === 0) return undefined;
        return ({ index, cx, cy }: { index?: number; cx?: number; cy?: number }) =>
          index !== undefined && alone.has(index) && cx !== undefined && cy !== undefined ? (
            <circle className="isolated-point" cx={cx} cy={cy} r={2.5} fill={seriesColor(i)} />
          ) : null;
      }),
    [rows, lines],
  );
  const at = (s: { activeLabel?: unknown } | null | undefined) => {
    const v = Number(s?.activeLabel);
    return Number.isFinite(v) ? v : undefined;
  };
  return (
    <div className="chart" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={rows}
          margin={{ top: 8, right: 16, bottom: 4, left: 8 }}
          onMouseDown={(st) => {
            const a = at(st);
            if (onZoom && a !== undefined) setDrag({ a });
          }}
          onMouseMove={(st) => {
            const b = at(st);
            if (drag && b !== undefined) setDrag({ a: drag.a, b });
          }}
          onMouseUp={() => {
            if (drag?.b !== undefined && drag.b !== drag.a)
              onZoom?.(Math.min(drag.a, drag.b), Math.max(drag.a, drag.b));
            setDrag(undefined);
          }}
          onMouseLeave={() => setDrag(undefined)}
        >
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[fromMs, toMs]}
            tickFormatter={(v: number) => formatTick(v, span)}
            stroke="var(--muted)"
            fontSize={11}
            // Round times, all drawn: recharts' own (preserveEnd) measure each candidate
            // label in the DOM to drop overlapping ones, ~10 ms a chart on a cold load.
            ticks={ticks}
            interval={0}
          />
          <YAxis
            stroke="var(--muted)"
            fontSize={11}
            width={72}
            interval={0}
            // Round bounds and steps of our own: with the data's maximum as the top, recharts
            // labelled it beside the round tick below it (4.17 over 4).
            domain={yDomain ?? fitted?.domain}
            ticks={fitted?.ticks}
            tickFormatter={(v: number) => format(v)}
            label={{
              value: unit,
              angle: -90,
              position: 'insideLeft',
              fill: 'var(--muted)',
              fontSize: 11,
              dy: 40,
            }}
          />
          <Tooltip
            contentStyle={{
              background: 'var(--surface)',
              border: '1px solid var(--border)',
              color: 'var(--text)',
            }}
            labelFormatter={(v) => formatTooltipTime(Number(v))}
            formatter={(v) => (typeof v === 'number' ? format(v) : '—')}
          />
          {/* Capped: recharts takes the legend's height from the plot, and 32 GPUs' legend left it none. */}
          <Legend wrapperStyle={{ fontSize: 12, maxHeight: 40, overflowY: 'auto' }} />
          {annotations.map((a) =>
            a.toT !== undefined ? (
              <ReferenceArea
                key={`${a.t}-${a.label}`}
                x1={a.t}
                x2={a.toT}
                fill={TONES[a.tone ?? 'change']}
                fillOpacity={0.14}
                ifOverflow="hidden"
                label={markerLabel(a)}
              />
            ) : (
              <ReferenceLine
                key={`${a.t}-${a.label}`}
                x={a.t}
                stroke={TONES[a.tone ?? 'change']}
                strokeDasharray="4 3"
                label={markerLabel(a)}
              />
            ),
          )}
          {drag?.b !== undefined && (
            <ReferenceArea x1={drag.a} x2={drag.b} fill="var(--accent)" fillOpacity={0.15} />
          )}
          {lines.map((key, i) => (
            <Line
              key={key}
              dataKey={key}
              name={key}
              stroke={seriesColor(i)}
              dot={dots[i] ?? false}
              strokeWidth={1.75}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
