import { useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo } from 'react';
import { Empty, ErrorState, GetDataHint, Loading, Panel } from '../../components/states.js';
import { formatNumber } from '../../lib/format.js';
import type { RangeSearch } from '../../lib/search.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useModelDimensions } from '../overview/api.js';
import { useServices, useTraceSearch } from './api.js';
import { FilterForm } from './components/filter-form.js';
import { LatencyScatter } from './components/latency-scatter.js';
import { ResultsTable } from './components/results-table.js';
import { scatterPoints, type TraceFilters, validateTraceFilters } from './prepare.js';

/** Trace search: filters in the URL, a latency scatter of the results and the results table. */
export function TracesPage({ filters }: { filters: RangeSearch & TraceFilters }) {
  const navigate = useNavigate();
  const range = useRangeSearch();
  const services = useServices();
  const models = useModelDimensions();
  const found = useTraceSearch(filters);
  // Stable across the page's re-renders (each other answer, such as the models for the
  // filter form, re-renders it): the table's 100 router links and the scatter redraw only
  // for new results or a new range.
  const rangeOnly = useMemo(
    () => ({ from: range.from, to: range.to, refresh: range.refresh }),
    [range.from, range.to, range.refresh],
  );
  // The route's search also holds the range: only the filter keys count here.
  const current = validateTraceFilters({ ...filters });
  const filterKey = JSON.stringify(current);
  // What a trace opens with: the range and this search's filters, for the way back. Keyed by
  // the filters' text, so the table's links are rebuilt only when they change.
  const context = useMemo(
    () => ({ ...rangeOnly, ...(JSON.parse(filterKey) as TraceFilters) }),
    [rangeOnly, filterKey],
  );
  const apply = (f: TraceFilters) => navigate({ to: '/traces', search: { ...rangeOnly, ...f } });
  const open = useCallback(
    (id: string) => navigate({ to: '/traces/view', search: { ...context, id } }),
    [navigate, context],
  );
  const filtered = Object.values(current).some((v) => v !== undefined);
  const traces = useMemo(() => found.data?.pages.flatMap((p) => p.traces) ?? [], [found.data]);
  const pts = useMemo(() => scatterPoints(traces), [traces]);
  const answered = found.data?.pages[0]?.range;

  let body: React.ReactNode;
  if (found.isPending) body = <Loading label="Searching traces" height={300} />;
  else if (found.isError) body = <ErrorState error={found.error} retry={() => found.refetch()} />;
  else if (traces.length === 0)
    body = filtered ? (
      <Empty title="No traces match these filters">
        <p>Widen the time range, or loosen a filter (Clear resets them all).</p>
      </Empty>
    ) : (
      <Empty title="No traces in this range">
        <p>Pick a longer range in the time picker above, or send some:</p>
        <GetDataHint />
      </Empty>
    );
  else {
    body = (
      <>
        <Panel title="Latency of the results" wide>
          <LatencyScatter
            ok={pts.ok}
            error={pts.error}
            fromMs={Date.parse(answered!.from)}
            toMs={Date.parse(answered!.to)}
            onOpen={open}
          />
        </Panel>
        <Panel
          title={`Traces (${formatNumber(traces.length)}${found.hasNextPage ? '+' : ''})`}
          wide
        >
          <div className="toolbar">
            <span className="muted">Sort:</span>
            <button
              type="button"
              aria-pressed={filters.sort !== 'duration'}
              onClick={() => apply({ ...filters, sort: undefined })}
            >
              Newest
            </button>
            <button
              type="button"
              aria-pressed={filters.sort === 'duration'}
              onClick={() => apply({ ...filters, sort: 'duration' })}
            >
              Longest
            </button>
          </div>
          <ResultsTable traces={traces} context={context} />
          {found.hasNextPage && (
            <button
              type="button"
              onClick={() => found.fetchNextPage()}
              disabled={found.isFetchingNextPage}
            >
              {found.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </Panel>
      </>
    );
  }
  return (
    <>
      <h1>Traces</h1>
      <FilterForm
        key={JSON.stringify(filters)}
        filters={filters}
        services={services.data?.services.map((s) => s.name) ?? []}
        models={models.data?.models ?? []}
        onApply={apply}
      />
      <div className="stack">{body}</div>
    </>
  );
}
