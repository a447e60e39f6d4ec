import type { GpuSeriesResponse } from '@aiobs/api-types';
import type { UseQueryResult } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { TimeSeriesChart } from '../../../components/charts/time-series-chart.js';
import { Empty, ErrorState, Loading, Panel } from '../../../components/states.js';
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
}

/** One GPU metric over time, a line per GPU, with its loading, empty and error states. */
export function GpuPanel({
  title,
  query,
  unit,
  format,
  scale,
  fromMs,
  toMs,
  emptyHint,
  yDomain,
}: GpuPanelProps) {
  const navigate = useNavigate();
  const zoom = (a: number, b: number) =>
    navigate({
      to: '.',
      search: (prev: Record<string, unknown>) => ({
        ...prev,
        from: new Date(a).toISOString(),
        to: new Date(b).toISOString(),
      }),
    });
  let body: React.ReactNode;
  if (query.isPending) body = <Loading />;
  else if (query.isError) body = <ErrorState error={query.error} retry={() => query.refetch()} />;
  else {
    const { rows, lines } = gpuLines(query.data.series, scale);
    body =
      rows.length > 0 ? (
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
      ) : (
        <Empty title="No samples in this range">
          <p>{emptyHint}</p>
        </Empty>
      );
  }
  return <Panel title={title}>{body}</Panel>;
}
