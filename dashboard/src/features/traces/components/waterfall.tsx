import { seriesColor } from '../../../components/charts/palette.js';
import { formatMs } from '../../../lib/format.js';
import { type Waterfall as WaterfallData, waterfallTicks } from '../prepare.js';

/** Props of {@link Waterfall}. */
export interface WaterfallProps {
  data: WaterfallData;
  selected?: string;
  onSelect: (spanId: string) => void;
}

/**
 * The trace's spans as bars on one time line, indented under their parents, coloured by
 * service. Each row is a button (Tab, Enter); arrow keys move between rows.
 */
export function Waterfall({ data, selected, onSelect }: WaterfallProps) {
  const ticks = waterfallTicks(data.totalMs);
  const move = (e: React.KeyboardEvent<HTMLButtonElement>, i: number) => {
    const next = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : -1;
    const row = data.rows[next];
    if (!row) return;
    e.preventDefault();
    onSelect(row.span.spanId);
    const list = e.currentTarget.closest('ol');
    (list?.querySelectorAll('button')[next] as HTMLButtonElement | undefined)?.focus();
  };
  return (
    <div className="waterfall" data-testid="waterfall">
      <ul className="legend" aria-label="Services">
        {data.services.map((s, i) => (
          <li key={s}>
            <span className="swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
            {s}
          </li>
        ))}
      </ul>
      <div className="waterfall-axis" aria-hidden="true">
        <span className="waterfall-label" />
        <span className="waterfall-track">
          {ticks.map((t, i) => (
            <span
              key={t}
              className="waterfall-tick"
              style={{ left: `${(i / (ticks.length - 1)) * 100}%` }}
            >
              {formatMs(t)}
            </span>
          ))}
        </span>
      </div>
      <ol className="waterfall-rows" aria-label="Spans by start time">
        {data.rows.map((r, i) => (
          <li key={r.span.spanId}>
            <button
              type="button"
              className={r.span.spanId === selected ? 'waterfall-row selected' : 'waterfall-row'}
              aria-pressed={r.span.spanId === selected}
              onClick={() => onSelect(r.span.spanId)}
              onKeyDown={(e) => move(e, i)}
              data-span={r.span.spanId}
            >
              <span className="waterfall-label" style={{ paddingLeft: r.depth * 14 }}>
                <span className="muted small">{r.span.serviceName}</span> {r.span.name}
                {r.error && <span className="badge badge-error">error</span>}
              </span>
              <span className="waterfall-track">
                <span
                  className={r.error ? 'waterfall-bar waterfall-bar-error' : 'waterfall-bar'}
                  style={{
                    left: `${r.leftPct}%`,
                    width: `max(${r.widthPct}%, 2px)`,
                    background: seriesColor(r.serviceIndex),
                  }}
                />
                <span
                  className="waterfall-duration"
                  style={
                    r.leftPct > 70
                      ? { right: `${100 - r.leftPct}%`, paddingRight: 4 }
                      : { left: `calc(${r.leftPct + r.widthPct}% + 4px)` }
                  }
                >
                  {formatMs(r.span.durationMs)}
                  <span className="sr-only"> from +{formatMs(r.offsetMs)}</span>
                </span>
              </span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
