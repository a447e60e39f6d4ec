import type { MouseEvent } from 'react';
import { formatPercent, formatTick } from '../../../lib/format.js';
import { type HeatMap as HeatMapData, rowGradient } from '../prepare.js';

/** Props of {@link HeatMap}. */
export interface HeatMapProps {
  data: HeatMapData;
  selected?: string;
  /** Called with a row's key (`host\0gpuId`) when its label is activated. */
  onSelect?: (key: string) => void;
}

/** What a row says of the bucket under the pointer, as the strip's tooltip. */
function cellTitle(label: string, data: HeatMapData, cells: Array<number | null>, x: number) {
  const i = Math.min(cells.length - 1, Math.max(0, Math.floor(x * cells.length)));
  const at = new Date(data.times[i]!).toISOString().slice(11, 16);
  const v = cells[i];
  return `${label} ${at} UTC: ${v === null || v === undefined ? 'no data' : formatPercent(v)}`;
}

/** A row's summary for screen readers: its mean and peak over the range. */
function rowSummary(label: string, cells: Array<number | null>): string {
  const values = cells.filter((v): v is number => v !== null);
  if (values.length === 0) return `${label}: no utilization samples`;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return `${label}: mean ${formatPercent(mean)}, peak ${formatPercent(Math.max(...values))} GPU utilization`;
}

/**
 * The fleet's GPU utilization as a GPU × time grid (viridis: dark idle, yellow saturated):
 * each GPU one strip painted by a gradient (rowGradient), its values in `data-values`;
 * hovering shows the bucket's value, a GPU's name selects it for the charts below.
 */
export function HeatMap({ data, selected, onSelect }: HeatMapProps) {
  const span = (data.times.at(-1) ?? 0) - (data.times[0] ?? 0) + data.stepMs;
  const n = data.times.length;
  const ticks = n > 0 ? [...new Set([0, Math.floor((n - 1) / 2), n - 1])] : [];
  return (
    <div className="heatmap" data-testid="heat-map">
      <div className="heatmap-grid">
        {data.rows.map((r) => (
          <div key={r.key} className="heatmap-row" data-gpu={r.label}>
            <button
              type="button"
              className="heatmap-label"
              aria-pressed={selected === r.key}
              onClick={() => onSelect?.(r.key)}
            >
              {r.label}
            </button>
            <span
              className="heatmap-strip"
              role="img"
              aria-label={rowSummary(r.label, r.cells)}
              data-values={r.cells.map((v) => v ?? '').join(',')}
              style={{ background: rowGradient(r.cells, 'var(--grid)') }}
              // The bucket under the pointer, set on the element itself: hovering re-renders
              // nothing.
              onMouseMove={(e: MouseEvent<HTMLSpanElement>) => {
                const box = e.currentTarget.getBoundingClientRect();
                e.currentTarget.title = cellTitle(
                  r.label,
                  data,
                  r.cells,
                  (e.clientX - box.left) / box.width,
                );
              }}
            />
          </div>
        ))}
        <div className="heatmap-row heatmap-axis" aria-hidden="true">
          <span />
          <span className="heatmap-ticks">
            {ticks.map((i) => (
              <span
                key={i}
                className="heatmap-tick"
                style={{
                  left: `${(i / n) * 100}%`,
                  transform:
                    i === 0 ? undefined : i === n - 1 ? 'translateX(-100%)' : 'translateX(-50%)',
                }}
              >
                {formatTick(data.times[i]!, span)}
              </span>
            ))}
          </span>
        </div>
      </div>
      <div className="heatmap-scale">
        <span>0%</span>
        <span className="heatmap-gradient" aria-hidden="true" />
        <span>100% GPU utilization (mean per bucket; blank: no sample)</span>
      </div>
    </div>
  );
}
