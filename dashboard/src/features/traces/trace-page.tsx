import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { Empty, ErrorState, Loading, Panel } from '../../components/states.js';
import { ApiError } from '../../lib/api-client.js';
import { formatMs } from '../../lib/format.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useTrace, useTraceGpus } from './api.js';
import { SpanDetails } from './components/span-details.js';
import { TraceGpus } from './components/trace-gpus.js';
import { Waterfall } from './components/waterfall.js';
import { buildWaterfall, gpuSpanOf, selectedSpan, type TraceFilters } from './prepare.js';

/**
 * One trace: the waterfall across services, the selected span's details (selection in the
 * URL), and for an inference span the GPUs of its host at that moment. `filters`: those of
 * the search it was opened from, kept in the URL so the way back to the search keeps them.
 */
export function TracePage({
  traceId,
  spanId,
  filters = {},
}: {
  traceId: string;
  spanId?: string;
  filters?: TraceFilters;
}) {
  const navigate = useNavigate();
  const range = useRangeSearch();
  const q = useTrace(traceId);
  const w = useMemo(() => buildWaterfall(q.data?.spans ?? []), [q.data]);
  const selected = selectedSpan(w, spanId);
  const inference = gpuSpanOf(w, spanId);
  const gpus = useTraceGpus(
    traceId,
    inference ? Date.parse(inference.startTime) : undefined,
    Boolean(inference),
  );
  const back = { from: range.from, to: range.to, refresh: range.refresh, ...filters };
  const crumbs = (
    <p className="crumbs">
      <Link to="/traces" search={back}>
        Traces
      </Link>{' '}
      /
    </p>
  );
  if (!/^[0-9a-f]{32}$/i.test(traceId))
    return (
      <>
        {crumbs}
        <h1>Trace</h1>
        <Empty title="No trace id in the link">
          <p>Open a trace from the search results.</p>
        </Empty>
      </>
    );
  if (q.isPending)
    return (
      <>
        {crumbs}
        <h1>Trace {traceId.slice(0, 12)}</h1>
        <Loading label="Loading trace" height={300} />
      </>
    );
  if (q.isError)
    return (
      <>
        {crumbs}
        <h1>Trace {traceId.slice(0, 12)}</h1>
        {q.error instanceof ApiError && q.error.status === 404 ? (
          <Empty title="No span of this trace is stored">
            <p>It may be older than the retention, or still on its way: try again in a moment.</p>
          </Empty>
        ) : (
          <ErrorState error={q.error} retry={() => q.refetch()} />
        )}
      </>
    );
  const root = w.rows[0]?.span;
  const errors = w.rows.filter((r) => r.error).length;
  const select = (id: string) =>
    navigate({
      to: '/traces/view',
      search: { ...back, id: traceId, span: id },
      replace: true,
    });
  return (
    <>
      {crumbs}
      <h1>
        {root ? `${root.serviceName}: ${root.name}` : 'Trace'}{' '}
        <code className="muted small">{traceId}</code>
      </h1>
      <p className="muted" data-testid="trace-summary">
        {w.rows.length} spans across {w.services.length} service
        {w.services.length === 1 ? '' : 's'}, {formatMs(w.totalMs)}
        {errors > 0 && `, ${errors} with errors`}
        {root && `, started ${root.startTime.replace('T', ' ').slice(0, 19)} UTC`}
      </p>
      <div className="trace-layout">
        <Panel title="Waterfall">
          <Waterfall data={w} selected={selected?.spanId} onSelect={select} />
        </Panel>
        <Panel title="Span">
          {selected ? (
            <SpanDetails span={selected} traceStartNs={w.startNs} />
          ) : (
            <Empty title="No span selected" />
          )}
        </Panel>
      </div>
      <Panel title={inference ? `GPUs at ${inference.name}` : 'GPUs'} wide>
        {inference ? (
          <TraceGpus span={inference} query={gpus} />
        ) : (
          <Empty title="No inference span in this trace">
            <p>
              GPU figures show for spans with gen_ai.operation.name (the SDK sets it) whose host
              runs the agent.
            </p>
          </Empty>
        )}
      </Panel>
    </>
  );
}
