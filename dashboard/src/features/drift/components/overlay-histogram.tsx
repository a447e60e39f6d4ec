import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatPercent } from '../../../lib/format.js';
import type { HistogramBar } from '../prepare.js';

/** Reference vs current shares per bin (the reference's deciles) or category, side by side. */
export function OverlayHistogram({ bars, unit }: { bars: HistogramBar[]; unit: string }) {
  return (
    <div className="chart" style={{ height: 260 }} data-testid="drift-histogram">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bars} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            dataKey="bin"
            stroke="var(--muted)"
            fontSize={11}
            interval={0}
            angle={-20}
            textAnchor="end"
            height={50}
          />
          <YAxis
            stroke="var(--muted)"
            fontSize={11}
            width={64}
            tickFormatter={(v: number) => formatPercent(v)}
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
            formatter={(v) => (typeof v === 'number' ? formatPercent(v) : '—')}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            dataKey="reference"
            name="reference"
            fill="var(--series-1)"
            isAnimationActive={false}
          />
          <Bar dataKey="current" name="current" fill="var(--series-2)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
