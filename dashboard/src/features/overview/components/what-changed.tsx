import { formatNumber } from '../../../lib/format.js';
import type { ChangeItem } from '../prepare.js';

const TONE = {
  change: 'var(--annotation)',
  moderate: 'var(--warn)',
  drift: 'var(--error)',
} as const;

/** A marker as the charts draw it, in its kind's colour. */
function Marker({ item }: { item: Pick<ChangeItem, 'kind' | 'marker'> }) {
  return (
    <span
      className="annotation-marker"
      style={{ color: TONE[item.kind], borderColor: TONE[item.kind] }}
    >
      {item.marker}
    </span>
  );
}

/**
 * What the chart markers mean: a dashed line for a new model, version or variant, a shaded
 * span for a moderate or drifted stretch of windows. Shown above the charts.
 */
export function AnnotationLegend() {
  const swatch = (color: string, dashed: boolean) => (
    <span
      aria-hidden="true"
      style={{
        display: 'inline-block',
        width: dashed ? 0 : 14,
        height: 12,
        marginRight: 4,
        verticalAlign: 'middle',
        borderLeft: dashed ? `2px dashed ${color}` : undefined,
        background: dashed ? undefined : color,
        opacity: dashed ? 1 : 0.35,
      }}
    />
  );
  return (
    <p className="muted" data-testid="annotation-legend">
      Markers on the charts: {swatch(TONE.change, true)}new model, version or variant ·{' '}
      {swatch(TONE.moderate, false)}moderate drift · {swatch(TONE.drift, false)}drift (stored
      verdicts of models with a default baseline). Hover a number for what it marks.
    </p>
  );
}

/** The list that explains the chart markers, in time order. */
export function WhatChangedList({ items }: { items: ChangeItem[] }) {
  return (
    <ul className="changes" data-testid="changes">
      {items.map((it) => (
        <li key={it.key} data-kind={it.kind}>
          <Marker item={it} />{' '}
          <time dateTime={it.time}>{it.time.slice(0, 16).replace('T', ' ')}</time> {it.label}
          {it.requests !== undefined && ` (${formatNumber(it.requests)} requests)`}
        </li>
      ))}
    </ul>
  );
}
