import type { GpuSeriesResponse } from '@aiobs/api-types';
import type { UseQueryResult } from '@tanstack/react-query';
import { memo, useDeferredValue } from 'react';
import { TimeSeriesChart } from '../../../components/charts/time-series-chart.js';
import { useZoom } from '../../../components/charts/use-zoom.js';
import { Empty, ErrorState, Loading, Panel } from '../../../components/states.js';
import { WhenVisible } from '../../../components/when-visible.js';
import { gpuLines } from '../prepare.js';

/** Props of {@link GpuPanel}. */
export interface GpuPanelProps {
  title: string;
  query: UseQueryResult<GpuSeriesResponse>;
  unit: string;
  format: (v: number) => string;
  scale?: (v: number) => number;
  fromMs: number;
  toMs: number;
  emptyHint: string;
  yDomain?: [number, number];
  /**
   * Draw after the panels that are not deferred, and only once near the viewport (see
   * SeriesPanel's `defer`).
   */
  defer?: boolean;
}

/**
 * One GPU metric over time, a line per GPU, with its loading, empty and error states. Only a
 * new answer redraws the chart (a line per GPU is costly to draw): the other props are taken
 * to be fixed for a panel, and the axis keeps the range of the answer's request.
 */
export function GpuPanel({ title, query, defer, ...rest }: GpuPanelProps) {
  // Null at first even with the answer in the cache (see SeriesPanel).
  const deferred = useDeferredValue<GpuSeriesResponse | undefined | null>(query.data, null);
  const data = defer ? deferred : query.data;
  let body: React.ReactNode;
  if (query.isError) body = <ErrorState error={query.error} retry={() => query.refetch()} />;
  else if (data == null) body = <Loading />;
  else body = <GpuBody {...rest} data={data} />;
  return (
    <Panel title={title}>{defer ? <WhenVisible height={220}>{body}</WhenVisible> : body}</Panel>
  );
}

type GpuBodyProps = Omit<GpuPanelProps, 'title' | 'query' | 'defer'> & { data: GpuSeriesResponse };

const GpuBody = memo(
  function GpuBody({ data, unit, format, scale, fromMs, toMs, emptyHint, yDomain }: GpuBodyProps) {
    const zoom = useZoom();
    const { rows, lines } = gpuLines(data.series, scale);
    if (rows.length === 0)
      return (
        <Empty title="No samples in this range">
          <p>{emptyHint}</p>
        </Empty>
      );
    return (
      <TimeSeriesChart
        rows={rows}
        lines={lines}
        unit={unit}
        format={format}
        fromMs={fromMs}
        toMs={toMs}
        onZoom={zoom}
        yDomain={yDomain}
      />
    );
  },
  (a, b) => a.data === b.data,
);
