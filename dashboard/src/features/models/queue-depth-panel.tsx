import { TimeSeriesChart } from '../../components/charts/time-series-chart.js';
import { useZoom } from '../../components/charts/use-zoom.js';
import { Empty, ErrorState, Loading, Panel } from '../../components/states.js';
import { WhenVisible } from '../../components/when-visible.js';
import { formatNumber } from '../../lib/format.js';
import { hasValues } from '../../lib/series.js';
import { useQueueDepth } from './api.js';
import { QUEUE_DEPTH_METRIC, queueDepthRows } from './queue-depth.js';

/**
 * A model's queue depth over time, one line per service (its replicas added up): the
 * autoscaling signal beside the latency it explains. Drawn once scrolled near.
 */
export function QueueDepthPanel({ model }: { model: string }) {
  const q = useQueueDepth(model);
  const zoom = useZoom();
  let body: React.ReactNode;
  if (q.isError) body = <ErrorState error={q.error} retry={() => q.refetch()} />;
  else if (!q.data) body = <Loading />;
  else {
    const { rows, lines } = queueDepthRows(q.data);
    body = hasValues(rows, lines, true) ? (
      <TimeSeriesChart
        rows={rows}
        lines={lines}
        unit="requests waiting"
        format={(v) => formatNumber(v)}
        fromMs={Date.parse(q.data.from)}
        toMs={Date.parse(q.data.to)}
        onZoom={zoom}
      />
    ) : (
      <Empty title="No queue depth reported in this range">
        <p>
          Report it from the serving code with the SDK's{' '}
          <code>recordQueueDepth('{model}', queue.length)</code>, or send the{' '}
          <code>{QUEUE_DEPTH_METRIC}</code> gauge with <code>gen_ai.request.model</code> from an
          inference server.
        </p>
      </Empty>
    );
  }
  return (
    <Panel title="Queue depth by service">
      <WhenVisible height={220}>{body}</WhenVisible>
    </Panel>
  );
}
