import { sparklinePath } from './sparkline-path.js';

const WIDTH = 120;
const HEIGHT = 28;

/**
 * A tiny trend line for tables; `label` is its accessible description. Plain SVG, not a
 * recharts chart: it has no axes, tooltip or legend to lay out, and a page of them (the
 * Models list) then needs no chart library at all before its first paint.
 */
export function Sparkline({ values, label }: { values: Array<number | null>; label: string }) {
  return (
    <span className="sparkline" role="img" aria-label={label}>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true">
        <path
          d={sparklinePath(values, WIDTH, HEIGHT)}
          fill="none"
          stroke="var(--series-1)"
          strokeWidth={1.5}
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
    </span>
  );
}
