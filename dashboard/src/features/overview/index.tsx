import { Link, useNavigate } from '@tanstack/react-router';
import { SeriesPanel } from '../../components/series-panel.js';
import { PageSkeleton } from '../../components/skeleton.js';
import { Stat } from '../../components/stat.js';
import { Empty, ErrorState, GetDataHint, Loading, Panel } from '../../components/states.js';
import { formatMs, formatNumber, formatPercent, formatUsd } from '../../lib/format.js';
import { perSecond } from '../../lib/series.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useGpus, useHosts } from '../infrastructure/api.js';
import {
  useChanges,
  useDriftVerdicts,
  useFiringAlerts,
  useModels,
  useOverviewSeries,
  useSlowest,
} from './api.js';
import { FiringAlerts } from './components/firing-alerts.js';
import { GpuFleet } from './components/gpu-fleet.js';
import { ModelTable } from './components/model-table.js';
import { PricesLink } from './components/prices-link.js';
import { SlowestTable } from './components/slowest-table.js';
import { AnnotationLegend, WhatChangedList } from './components/what-changed.js';
import { costByModel, driftAreas, modelRows, overviewTotals, whatChanged } from './prepare.js';
import type { OverviewSplit } from './search.js';

/**
 * The overview: what every model is doing in the range (in total and per model), what is
 * firing, the GPU fleet, what changed (new versions, drift verdicts, marked on the charts)
 * and what is slow. `split=model` draws each chart with one line per model.
 */
export function OverviewPage({ split }: { split?: OverviewSplit }) {
  const navigate = useNavigate();
  const models = useModels();
  const series = useOverviewSeries(split);
  const slowest = useSlowest(10);
  const changes = useChanges();
  const firing = useFiringAlerts();
  const gpus = useGpus();
  const hosts = useHosts();
  const verdicts = useDriftVerdicts(models.data?.models.map((m) => m.model));
  const search = useRangeSearch();
  const range = models.data
    ? { from: Date.parse(models.data.from), to: Date.parse(models.data.to) }
    : undefined;
  const changed =
    changes.data && range
      ? whatChanged(changes.data.changes, driftAreas(verdicts), range.from, range.to)
      : { annotations: [], items: [] };
  const annotations = changed.annotations;
  // Alerts and GPUs do not depend on inference spans: they show whatever the models say.
  const fleet = (
    <div className="grid">
      <FiringAlerts query={firing} />
      <GpuFleet gpus={gpus} hosts={hosts} />
    </div>
  );

  if (models.isPending)
    return (
      <>
        <h1>Overview</h1>
        <PageSkeleton label="Loading models" stats={5} panels={4} />
      </>
    );
  if (models.isError) return <ErrorState error={models.error} retry={() => models.refetch()} />;
  if (models.data.models.length === 0)
    return (
      <>
        <h1>Overview</h1>
        <Empty title="No inference spans in this range">
          <p>Pick a longer range in the time picker above, or send some:</p>
          <GetDataHint />
        </Empty>
        {fleet}
      </>
    );
  const rangeMs = range!.to - range!.from;
  const totals = overviewTotals(models.data.models, rangeMs);
  const byModel = split === 'model';
  // One key per split: a toggle redraws each panel from its own answer, never the other's.
  const panel = split ?? 'all';
  const setSplit = (to: OverviewSplit | undefined) =>
    navigate({ to: '/', search: { ...search, split: to } });
  return (
    <>
      <h1>Overview</h1>
      <div className="stats">
        <Stat
          label="Requests"
          value={formatNumber(totals.requests)}
          testId="total-requests"
          hint={`${formatNumber(totals.requestsPerSecond)} req/s`}
        />
        <Stat label="Error rate" value={formatPercent(totals.errorRate)} testId="error-rate" />
        <Stat
          label="Worst p95 latency"
          value={formatMs(totals.worstP95Ms)}
          hint={totals.worstP95Model ?? undefined}
          testId="worst-p95"
        />
        <Stat
          label="Output tokens/s"
          value={formatNumber(totals.outputTokensPerSecond)}
          testId="tokens-per-s"
        />
        <Stat
          label="Cost"
          value={formatUsd(totals.costUsd)}
          testId="total-cost"
          {...(totals.unpricedModels.length > 0 && {
            hint:
              totals.costUsd === null
                ? 'no price set'
                : `without ${totals.unpricedModels.length} unpriced model${totals.unpricedModels.length > 1 ? 's' : ''}`,
          })}
        />
      </div>
      <Panel title="Per model" wide>
        <ModelTable rows={modelRows(models.data.models, rangeMs)} />
      </Panel>
      {fleet}
      {annotations.length > 0 && <AnnotationLegend />}
      <fieldset className="toolbar" data-testid="split">
        <legend className="sr-only">Split charts by</legend>
        <span aria-hidden="true">Charts:</span>
        <button type="button" aria-pressed={!byModel} onClick={() => setSplit(undefined)}>
          All models
        </button>
        <button type="button" aria-pressed={byModel} onClick={() => setSplit('model')}>
          By model
        </button>
      </fieldset>
      <div className="grid">
        <SeriesPanel
          key={`requests-${panel}`}
          title={byModel ? 'Requests per second by model' : 'Requests per second'}
          query={series}
          {...(byModel ? { metric: 'requests' } : { metrics: { requests: 'req/s' } })}
          unit="req/s"
          format={(v) => formatNumber(v)}
          scale={(r) => perSecond(r.stepMs)}
          annotations={annotations}
        />
        <SeriesPanel
          key={`latency-${panel}`}
          title={byModel ? 'Latency p95 by model' : 'Latency'}
          defer
          query={series}
          {...(byModel
            ? { metric: 'latencyP95' }
            : { metrics: { latencyP50: 'p50', latencyP95: 'p95', latencyP99: 'p99' } })}
          unit={byModel ? 'p95 latency (ms)' : 'latency (ms)'}
          format={formatMs}
          annotations={annotations}
        />
        <SeriesPanel
          key={`errors-${panel}`}
          title={byModel ? 'Error rate by model' : 'Error rate'}
          defer
          zeroIsData
          query={series}
          {...(byModel ? { metric: 'errorRate' } : { metrics: { errorRate: 'errors' } })}
          unit="error rate (%)"
          format={formatPercent}
          annotations={annotations}
        />
        <SeriesPanel
          key={`ttft-${panel}`}
          title={byModel ? 'Time to first token p95 by model' : 'Time to first token'}
          defer
          query={series}
          {...(byModel ? { metric: 'ttftP95' } : { metrics: { ttftP50: 'p50', ttftP95: 'p95' } })}
          emptyHint="No streamed responses in this range: TTFT comes from gen_ai.response.time_to_first_chunk on streaming spans."
          unit={byModel ? 'p95 TTFT (ms)' : 'TTFT (ms)'}
          format={formatMs}
          annotations={annotations}
        />
        <SeriesPanel
          key={`tokens-${panel}`}
          title={byModel ? 'Tokens per second by model' : 'Tokens per second'}
          defer
          query={series}
          {...(byModel ? { metric: 'tokensPerS' } : { metrics: { tokensPerS: 'tokens/s' } })}
          unit="tokens/s"
          format={(v) => formatNumber(v)}
          annotations={annotations}
        />
        <Panel title="Cost per model">
          <table className="table" data-testid="cost-table">
            <caption className="sr-only">Cost per model in the range</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Cost (USD)
                </th>
                <th scope="col" className="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {costByModel(models.data.models).map((m) => (
                <tr key={m.model} data-model={m.model}>
                  <td>
                    <Link
                      to="/models/view"
                      search={{
                        from: search.from,
                        to: search.to,
                        refresh: search.refresh,
                        model: m.model,
                      }}
                    >
                      {m.model}
                    </Link>
                  </td>
                  <td className="num">{formatUsd(m.costUsd)}</td>
                  <td className="num">{formatPercent(m.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {(totals.costUsd ?? 0) === 0 && (
            <p className="muted" data-testid="no-prices-hint">
              No prices set: add them under <PricesLink /> (or <code>PUT /api/v1/prices</code>).
            </p>
          )}
        </Panel>
      </div>
      <div className="grid">
        <SlowestTable query={slowest} />
        <Panel title="What changed (UTC)">
          {changes.isPending ? (
            <Loading />
          ) : changes.isError ? (
            <ErrorState error={changes.error} retry={() => changes.refetch()} />
          ) : changed.items.length === 0 ? (
            <Empty title="No new models, versions, variants or drift in this range" />
          ) : (
            <WhatChangedList items={changed.items} />
          )}
        </Panel>
      </div>
    </>
  );
}
