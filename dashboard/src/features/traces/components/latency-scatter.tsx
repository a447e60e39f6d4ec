import { memo } from 'react';
import {
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { timeTicks } from '../../../components/charts/time-ticks.js';
import { formatMs, formatTick } from '../../../lib/format.js';
import { DURATION_FLOOR_MS, durationDomain, durationTicks, type ScatterPoint } from '../prepare.js';

/** Props of {@link LatencyScatter}. */
export interface LatencyScatterProps {
  ok: ScatterPoint[];
  error: ScatterPoint[];
  fromMs: number;
  toMs: number;
  onOpen: (traceId: string) => void;
}

function PointTip({
  active,
  payload,
}: {
  active?: boolean;
  payload?: Array<{ payload?: ScatterPoint }>;
}) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="tooltip">
      <div>{p.name}</div>
      <div>
        {formatMs(p.durationMs)} at {new Date(p.t).toISOString().slice(11, 19)} UTC
      </div>
      <div className="muted small">click to open {p.traceId.slice(0, 12)}</div>
    </div>
  );
}

/**
 * Each trace of the results at its start time and duration (log scale: one slow trace must
 * not flatten the rest); clicking a point opens the trace. The results table lists the same
 * traces as links, for the keyboard.
 */
export const LatencyScatter = memo(function LatencyScatter({
  ok,
  error,
  fromMs,
  toMs,
  onOpen,
}: LatencyScatterProps) {
  // A log axis has no 0: sub-microsecond traces sit at its floor.
  const floor = (ps: ScatterPoint[]) =>
    ps.map((p) => ({ ...p, durationMs: Math.max(p.durationMs, DURATION_FLOOR_MS) }));
  const open = (d: unknown) => {
    const id = (d as { payload?: ScatterPoint } | undefined)?.payload?.traceId;
    if (id) onOpen(id);
  };
  const durations = durationDomain(ok, error);
  return (
    <div className="chart" style={{ height: 240 }} data-testid="latency-scatter">
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[fromMs, toMs]}
            name="start"
            tickFormatter={(v: number) => formatTick(v, toMs - fromMs)}
            ticks={timeTicks(fromMs, toMs)}
            interval={0}
            stroke="var(--muted)"
            fontSize={11}
          />
          <YAxis
            dataKey="durationMs"
            type="number"
            scale="log"
            domain={durations ?? ['auto', 'auto']}
            ticks={durations && durationTicks(durations)}
            interval={0}
            allowDataOverflow
            name="duration"
            stroke="var(--muted)"
            fontSize={11}
            width={64}
            tickFormatter={(v: number) => formatMs(v)}
            label={{
              value: 'duration (ms, log)',
              angle: -90,
              position: 'insideLeft',
              fill: 'var(--muted)',
              fontSize: 11,
              dy: 50,
            }}
          />
          <Tooltip content={<PointTip />} cursor={{ stroke: 'var(--border)' }} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Scatter
            name="ok"
            data={floor(ok)}
            fill="var(--series-1)"
            onClick={open}
            cursor="pointer"
            isAnimationActive={false}
          />
          <Scatter
            name="error"
            data={floor(error)}
            fill="var(--error)"
            shape="diamond"
            onClick={open}
            cursor="pointer"
            isAnimationActive={false}
          />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
});
