import { formatPercent, formatTick } from '../../../lib/format.js';
import { type HeatMap as HeatMapData, heatColor } from '../prepare.js';

/** Props of {@link HeatMap}. */
export interface HeatMapProps {
  data: HeatMapData;
  selected?: string;
  /** Called with a row's key (`host\0gpuId`) when its label is activated. */
  onSelect?: (key: string) => void;
}

/**
 * The fleet's GPU utilization as a GPU × time grid (viridis: dark idle, yellow saturated);
 * hovering a cell shows its value, a GPU's name selects it for the charts below.
 */
export function HeatMap({ data, selected, onSelect }: HeatMapProps) {
  const span = (data.times.at(-1) ?? 0) - (data.times[0] ?? 0) + data.stepMs;
  const ticks = [0, Math.floor((data.times.length - 1) / 2), data.times.length - 1];
  return (
    <div className="heatmap" data-testid="heat-map">
      <div
        className="heatmap-grid"
        style={{
          gridTemplateColumns: `minmax(140px, max-content) repeat(${data.times.length}, 1fr)`,
        }}
      >
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
            {r.cells.map((v, i) => {
              const at = new Date(data.times[i]!).toISOString().slice(11, 16);
              return (
                <span
                  key={data.times[i]}
                  className="heatmap-cell"
                  style={{ background: heatColor(v) }}
                  title={`${r.label} ${at} UTC: ${v === null ? 'no data' : formatPercent(v)}`}
                  data-value={v ?? ''}
                />
              );
            })}
          </div>
        ))}
        <div className="heatmap-row heatmap-axis" aria-hidden="true">
          <span />
          {data.times.map((t, i) => (
            <span key={t} className="heatmap-tick">
              {ticks.includes(i) ? formatTick(t, span) : ''}
            </span>
          ))}
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
