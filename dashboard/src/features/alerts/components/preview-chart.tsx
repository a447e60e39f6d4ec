import type { AlertPreviewResponse } from '@aiobs/api-types';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { timeTicks } from '../../../components/charts/time-ticks.js';
import { formatNumber, formatTick, formatTooltipTime } from '../../../lib/format.js';
import { firingAreas, type PreviewGuide, previewRows } from '../prepare.js';

const LEVEL_COLOR = { critical: 'var(--error)', warning: 'var(--warn)' } as const;

/**
 * The draft's signal over the range with its threshold and warning (dashed), the level a
 * self-deciding kind fires at, or an anomaly rule's expected band (shaded), and where it
 * would have fired (shaded red, warning amber).
 */
export function PreviewChart({
  res,
  unit,
  guides,
}: {
  res: AlertPreviewResponse;
  unit: string;
  guides: PreviewGuide[];
}) {
  const fromMs = Date.parse(res.from);
  const toMs = Date.parse(res.to);
  const rows = previewRows(res);
  const hasBand = rows.some((r) => r.band);
  return (
    <div className="chart" style={{ height: 240 }} data-testid="preview-chart">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
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
            stroke="var(--muted)"
            fontSize={11}
            width={64}
            tickFormatter={(v: number) => formatNumber(v)}
            label={{
              value: unit,
              angle: -90,
              position: 'insideLeft',
              fill: 'var(--muted)',
              fontSize: 11,
              dy: 30,
            }}
          />
          <Tooltip
            contentStyle={{
              background: 'var(--surface)',
              border: '1px solid var(--border)',
              color: 'var(--text)',
            }}
            labelFormatter={(v) => formatTooltipTime(Number(v))}
            formatter={(v) => (typeof v === 'number' ? formatNumber(v, 2) : 'no data')}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {firingAreas(res).map((a) => (
            <ReferenceArea
              key={a.from}
              x1={a.from}
              x2={a.to}
              className="firing-area"
              fill={a.severity === 'critical' ? 'var(--error)' : 'var(--warn)'}
              fillOpacity={0.15}
            />
          ))}
          {guides.map((g) => (
            <ReferenceLine
              key={g.label}
              y={g.y}
              // A threshold far from the signal still shows, and shows how far.
              ifOverflow="extendDomain"
              stroke={LEVEL_COLOR[g.level]}
              strokeDasharray="5 4"
              label={{
                value: g.label,
                fill: LEVEL_COLOR[g.level],
                fontSize: 11,
                position: g.level === 'critical' ? 'insideTopRight' : 'insideBottomRight',
              }}
            />
          ))}
          {hasBand && (
            <Area
              dataKey="band"
              name="expected band"
              stroke="none"
              fill="var(--series-2)"
              fillOpacity={0.2}
              connectNulls={false}
              isAnimationActive={false}
            />
          )}
          <Line
            dataKey="value"
            name="signal"
            stroke="var(--series-1)"
            dot={false}
            strokeWidth={1.75}
            connectNulls={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
