import type { ModelSeriesResponse, SeriesMetric } from '@aiobs/api-types';
import type { UseQueryResult } from '@tanstack/react-query';
import { memo, useDeferredValue } from 'react';
import { hasValues, rowsByGroup, rowsByMetric } from '../lib/series.js';
import type { Annotation } from './charts/time-series-chart.js';
import { TimeSeriesChart } from './charts/time-series-chart.js';
import { useZoom } from './charts/use-zoom.js';
import { Empty, ErrorState, Loading, Panel } from './states.js';
import { WhenVisible } from './when-visible.js';

/** Props of {@link SeriesPanel}: either several metrics of one line, or one metric by group. */
export interface SeriesPanelProps {
  title: string;
  query: UseQueryResult<ModelSeriesResponse>;
  /** Several metrics of the ungrouped series, with their legend names. */
  metrics?: Partial<Record<SeriesMetric, string>>;
  /** One metric, one line per group. */
  metric?: SeriesMetric;
  unit: string;
  format: (v: number) => string;
  scale?: (res: ModelSeriesResponse) => (v: number) => number;
  annotations?: Annotation[];
  /** What to do when the range has no values (e.g. which attribute feeds this chart). */
  emptyHint?: string;
  /**
   * Whether 0 is a value to draw (an error rate of 0 %) rather than "nothing reported" (no
   * cost without prices, no cache hits without the attribute). Off: all-zero is "No data".
   */
  zeroIsData?: boolean;
  /**
   * Draw after the panels that are not deferred: when the answer arrives, this panel keeps
   * its previous state for one more render, so the page's first chart is on screen before
   * the rest are drawn (React renders the deferred ones in the background); and draw only
   * once the panel is near the viewport (below the fold: when scrolled to).
   */
  defer?: boolean;
}

/**
 * A chart panel over a series query, with its loading, empty and error states. Only a new
 * answer or new annotations redraw the chart: `metrics`, `metric`, `unit`, `format` and
 * `scale` are taken to be fixed for a panel (pages pass constants), so a page re-rendering
 * for another panel's answer does not redraw this one.
 */
export function SeriesPanel({ title, query, defer, ...rest }: SeriesPanelProps) {
  // Null at first even when the answer is in the cache already (sent early, or a warm
  // load): otherwise every panel would draw in the page's first commit, beside the first chart.
  const deferred = useDeferredValue<ModelSeriesResponse | undefined | null>(query.data, null);
  const data = defer ? deferred : query.data;
  let body: React.ReactNode;
  if (query.isError) body = <ErrorState error={query.error} retry={() => query.refetch()} />;
  else if (data == null) body = <Loading />;
  else
    body = (
      <SeriesBody {...rest} data={data} annotationsKey={JSON.stringify(rest.annotations ?? [])} />
    );
  return (
    <Panel title={title}>{defer ? <WhenVisible height={220}>{body}</WhenVisible> : body}</Panel>
  );
}

type SeriesBodyProps = Omit<SeriesPanelProps, 'title' | 'query' | 'defer'> & {
  data: ModelSeriesResponse;
  annotationsKey: string;
};

const SeriesBody = memo(
  function SeriesBody({
    data: res,
    metrics,
    metric,
    unit,
    format,
    scale,
    annotations,
    emptyHint,
    zeroIsData,
  }: SeriesBodyProps) {
    const zoom = useZoom();
    const s = scale?.(res);
    const { rows, lines } = metric
      ? rowsByGroup(res, metric, s)
      : rowsByMetric(res, metrics ?? {}, s);
    if (!hasValues(rows, lines, zeroIsData))
      return (
        <Empty title="No data in this range">
          <p>{emptyHint ?? 'Pick a longer range, or send traffic (see the Overview for how).'}</p>
        </Empty>
      );
    return (
      <TimeSeriesChart
        rows={rows}
        lines={lines}
        unit={unit}
        format={format}
        fromMs={Date.parse(res.from)}
        toMs={Date.parse(res.to)}
        annotations={annotations}
        onZoom={zoom}
      />
    );
  },
  (a, b) => a.data === b.data && a.annotationsKey === b.annotationsKey,
);
