import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ChartRow } from '../../../components/charts/time-series-chart.js';
import { timeTicks } from '../../../components/charts/time-ticks.js';
import { formatMs, formatPercent, formatTick, formatTooltipTime } from '../../../lib/format.js';

/**
 * A model's latency p95 (left axis, ms) and its hosts' mean GPU utilization (right axis, %)
 * on one time axis: does latency follow the GPUs?
 */
export function OverlayChart({
  rows,
  fromMs,
  toMs,
}: {
  rows: ChartRow[];
  fromMs: number;
  toMs: number;
}) {
  return (
    <div className="chart" style={{ height: 240 }} data-testid="overlay-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[fromMs, toMs]}
            tickFormatter={(v: number) => formatTick(v, toMs - fromMs)}
            ticks={timeTicks(fromMs, toMs)}
            interval={0}
            stroke="var(--muted)"
            fontSize={11}
          />
          <YAxis
            yAxisId="ms"
            stroke="var(--muted)"
            fontSize={11}
            width={64}
            tickFormatter={(v: number) => formatMs(v)}
            label={{
              value: 'latency p95 (ms)',
              angle: -90,
              position: 'insideLeft',
              fill: 'var(--muted)',
              fontSize: 11,
              dy: 50,
            }}
          />
          <YAxis
            yAxisId="util"
            orientation="right"
            domain={[0, 1]}
            stroke="var(--muted)"
            fontSize={11}
            width={64}
            tickFormatter={(v: number) => formatPercent(v)}
            label={{
              value: 'GPU utilization (%)',
              angle: 90,
              position: 'insideRight',
              fill: 'var(--muted)',
              fontSize: 11,
            }}
          />
          <Tooltip
            contentStyle={{
              background: 'var(--surface)',
              border: '1px solid var(--border)',
              color: 'var(--text)',
            }}
            labelFormatter={(v) => formatTooltipTime(Number(v))}
            formatter={(v, name) =>
              typeof v !== 'number'
                ? '—'
                : name === 'GPU utilization'
                  ? formatPercent(v)
                  : formatMs(v)
            }
          />
          {/* Capped: recharts takes the legend's height from the plot, and 32 GPUs' legend left it none. */}
          <Legend wrapperStyle={{ fontSize: 12, maxHeight: 40, overflowY: 'auto' }} />
          <Line
            yAxisId="ms"
            dataKey="latency p95"
            stroke="var(--series-2)"
            dot={false}
            strokeWidth={1.75}
            isAnimationActive={false}
          />
          <Line
            yAxisId="util"
            dataKey="GPU utilization"
            stroke="var(--series-1)"
            dot={false}
            strokeWidth={1.75}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
