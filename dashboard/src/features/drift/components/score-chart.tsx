import type { DriftSeries } from '@aiobs/api-types';
import { TimeSeriesChart } from '../../../components/charts/time-series-chart.js';
import { Empty } from '../../../components/states.js';
import { formatRange } from '../../../lib/time-range.js';
import type { TimedDriftSeries } from '../api.js';
import { completeWindows, pickScoreLines, scoreLinesNote, seriesRows } from '../prepare.js';

/**
 * Each feature's score window by window: the selected feature's lines, else the few highest
 * (see {@link pickScoreLines}), with a note naming what was left out. The window still
 * filling is left out too (see {@link completeWindows}) and named under the chart, so a range
 * ending now does not end in a spike drawn from a handful of values.
 */
export function ScoreChart({
  data,
  selected,
  fromMs,
  toMs,
  onZoom,
  onShowAll,
}: {
  /** The series and when it was asked for: a window ending just before then is still filling. */
  data: TimedDriftSeries;
  /** The feature selected in the table: its lines only. */
  selected?: { feature: string; kind: DriftSeries['kind'] };
  fromMs: number;
  toMs: number;
  onZoom: (fromMs: number, toMs: number) => void;
  /** Clears the selection, back to the highest lines of all features. */
  onShowAll: () => void;
}) {
  const { res, partial } = completeWindows(data, data.requestedAtMs);
  const lines = pickScoreLines(res.series, selected);
  const { rows, lines: keys } = seriesRows({ ...res, series: lines.series });
  const text = scoreLinesNote(lines);
  const showAll = selected && (
    <button type="button" className="link-button" onClick={onShowAll}>
      Show the highest of all features
    </button>
  );
  const picked = text !== undefined && (
    <p className="muted" data-testid="score-lines">
      {text}
      {showAll && <> {showAll}</>}
    </p>
  );
  const note = partial && (
    <p className="muted" data-testid="partial-window">
      Not charted: the last window ({formatRange(partial.fromMs, partial.toMs)},{' '}
      {partial.currentCount} value{partial.currentCount === 1 ? '' : 's'}) is still filling, and a
      score from so few values spikes.
    </p>
  );
  if (selected && lines.total === 0)
    return (
      <Empty title={`No scores of ${selected.feature} in this range`}>
        <p>{showAll}</p>
      </Empty>
    );
  if (rows.length === 0)
    return (
      <Empty title="No closed window in this range yet">
        {note}
        <p>Pick a longer range to see the score over time.</p>
      </Empty>
    );
  return (
    <>
      <TimeSeriesChart
        rows={rows}
        lines={keys}
        unit="PSI"
        format={(v) => v.toFixed(2)}
        fromMs={fromMs}
        toMs={toMs}
        onZoom={onZoom}
      />
      {picked}
      {note}
    </>
  );
}
