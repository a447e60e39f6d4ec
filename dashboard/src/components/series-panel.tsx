import type { ModelSeriesResponse, SeriesMetric } from '@aiobs/api-types';
import type { UseQueryResult } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { rowsByGroup, rowsByMetric } from '../lib/series.js';
import type { Annotation } from './charts/time-series-chart.js';
import { TimeSeriesChart } from './charts/time-series-chart.js';
import { Empty, ErrorState, Loading, Panel } from './states.js';

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
}

/** A chart panel over a series query, with its loading, empty and error states. */
export function SeriesPanel({
  title,
  query,
  metrics,
  metric,
  unit,
  format,
  scale,
  annotations,
  emptyHint,
}: SeriesPanelProps) {
  const navigate = useNavigate();
  const zoom = (fromMs: number, toMs: number) =>
    navigate({
      to: '.',
      search: (prev: Record<string, unknown>) => ({
        ...prev,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
      }),
    });
  let body: React.ReactNode;
  if (query.isPending) body = <Loading />;
  else if (query.isError) body = <ErrorState error={query.error} retry={() => query.refetch()} />;
  else {
    const res = query.data;
    const s = scale?.(res);
    const { rows, lines } = metric
      ? rowsByGroup(res, metric, s)
      : rowsByMetric(res, metrics ?? {}, s);
    const hasData = rows.some((r) =>
      lines.some((l) => r[l] !== null && r[l] !== undefined && r[l] !== 0),
    );
    body = hasData ? (
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
    ) : (
      <Empty title="No data in this range">
        <p>{emptyHint ?? 'Pick a longer range, or send traffic (see the Overview for how).'}</p>
      </Empty>
    );
  }
  return <Panel title={title}>{body}</Panel>;
}
