import { TimeSeriesChart } from '../../../components/charts/time-series-chart.js';
import { Empty } from '../../../components/states.js';
import { formatRange } from '../../../lib/time-range.js';
import type { TimedDriftSeries } from '../api.js';
import { completeWindows, seriesRows } from '../prepare.js';

/**
 * Each feature's score window by window. The window still filling is left out (see
 * {@link completeWindows}) and named under the chart, so a range ending now does not end in a
 * spike drawn from a handful of values.
 */
export function ScoreChart({
  data,
  fromMs,
  toMs,
  onZoom,
}: {
  /** The series and when it was asked for: a window ending just before then is still filling. */
  data: TimedDriftSeries;
  fromMs: number;
  toMs: number;
  onZoom: (fromMs: number, toMs: number) => void;
}) {
  const { res, partial } = completeWindows(data, data.requestedAtMs);
  const { rows, lines } = seriesRows(res);
  const note = partial && (
    <p className="muted" data-testid="partial-window">
      Not charted: the last window ({formatRange(partial.fromMs, partial.toMs)},{' '}
      {partial.currentCount} values) is still filling, and a score from so few values spikes.
    </p>
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
        lines={lines}
        unit="PSI"
        format={(v) => v.toFixed(2)}
        fromMs={fromMs}
        toMs={toMs}
        onZoom={onZoom}
      />
      {note}
    </>
  );
}
