import type { SeriesGroupBy, SeriesMetric } from '@aiobs/api-types';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { SeriesPanel, type SeriesPanelProps } from '../../components/series-panel.js';
import { PageSkeleton } from '../../components/skeleton.js';
import { Stat, StatParts } from '../../components/stat.js';
import { Empty, ErrorState, Panel } from '../../components/states.js';
import { pricedCost } from '../../lib/cost.js';
import { formatMs, formatNumber, formatPercent, formatUsd } from '../../lib/format.js';
import { perSecond } from '../../lib/series.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useModels } from '../overview/api.js';
import { useModelSeries } from './api.js';
import { QualityPanels } from './quality-panels.js';
import { QueueDepthPanel } from './queue-depth-panel.js';

/** The model page's charts: one metric each, one line per version or variant. */
const PANELS: Array<Omit<SeriesPanelProps, 'query'> & { metric: SeriesMetric }> = [
  {
    title: 'Requests per second',
    metric: 'requests',
    unit: 'req/s',
    format: (v) => formatNumber(v),
    scale: (r) => perSecond(r.stepMs),
  },
  { title: 'Latency p95', metric: 'latencyP95', unit: 'p95 (ms)', format: formatMs },
  {
    title: 'Error rate',
    metric: 'errorRate',
    unit: 'error rate (%)',
    format: formatPercent,
    zeroIsData: true,
  },
  {
    title: 'TTFT p95',
    metric: 'ttftP95',
    emptyHint:
      'No streamed responses in this range: TTFT comes from gen_ai.response.time_to_first_chunk on streaming spans.',
    unit: 'TTFT (ms)',
    format: formatMs,
  },
  {
    title: 'Tokens per second',
    metric: 'tokensPerS',
    unit: 'tokens/s',
    format: (v) => formatNumber(v),
  },
  {
    title: 'Cache hit rate',
    metric: 'cacheHitRate',
    emptyHint:
      'No cache hits reported: set aiobs.cache.hit (or cache read tokens) on inference spans.',
    unit: 'hit rate (%)',
    format: formatPercent,
  },
  {
    title: 'Queue wait p95',
    metric: 'queueWaitP95',
    emptyHint: 'No queue wait reported: set aiobs.queue.wait (seconds) on inference spans.',
    unit: 'queue wait (ms)',
    format: formatMs,
  },
  {
    title: 'Cost',
    metric: 'cost',
    emptyHint:
      'No cost: set prices for this provider and model under Settings → Prices (or PUT /api/v1/prices).',
    unit: 'cost (USD)',
    format: formatUsd,
  },
];

/**
 * One model: its figures, its versions or variants over time, their quality from feedback and
 * drift, and a way to compare two.
 */
export function ModelPage({ model, groupBy }: { model: string; groupBy: 'version' | 'variant' }) {
  const models = useModels();
  const series = useModelSeries(model, groupBy as SeriesGroupBy);
  const search = useRangeSearch();
  const navigate = useNavigate();
  if (models.isPending)
    return (
      <>
        <h1>{model}</h1>
        <PageSkeleton label="Loading model" stats={6} panels={4} />
      </>
    );
  if (models.isError) return <ErrorState error={models.error} retry={() => models.refetch()} />;
  const m = models.data.models.find((x) => x.model === model);
  if (!m)
    return (
      <>
        <h1>{model}</h1>
        <Empty title="This model has no inferences in the range">
          <p>
            Pick a longer range or go back to{' '}
            <Link to="/models" search={search}>
              all models
            </Link>
            .
          </p>
        </Empty>
      </>
    );
  const arms = groupBy === 'version' ? m.versions : m.variants;
  const setGroup = (g: 'version' | 'variant') =>
    navigate({ to: '/models/view', search: { ...search, model, groupBy: g } });
  return (
    <>
      <p className="crumbs">
        <Link to="/models" search={search}>
          Models
        </Link>{' '}
        /
      </p>
      <h1>{model}</h1>
      <nav className="toolbar related" aria-label="This model elsewhere">
        <Link to="/traces" search={{ ...search, model }}>
          Traces
        </Link>
        <Link to="/traces" search={{ ...search, model, status: 'error' }}>
          Failed traces
        </Link>
        <Link to="/drift" search={{ ...search, model }}>
          Drift
        </Link>
        <Link to="/infrastructure" search={{ ...search, model }}>
          GPUs serving it
        </Link>
      </nav>
      <div className="stats">
        <Stat label="Requests" value={formatNumber(m.requests)} testId="model-requests" />
        <Stat label="Error rate" value={formatPercent(m.errorRate)} testId="model-error-rate" />
        <Stat
          label="Latency"
          testId="model-latency"
          value={
            <StatParts
              parts={[
                ['p50', formatMs(m.latencyP50Ms)],
                ['p95', formatMs(m.latencyP95Ms)],
                ['p99', formatMs(m.latencyP99Ms)],
              ]}
            />
          }
        />
        <Stat label="TTFT p95" value={formatMs(m.ttftP95Ms)} />
        {/* Nothing distinguishes "never a hit" from "never reported": as its chart, say none. */}
        <Stat
          label="Cache hit rate"
          testId="model-cache-hit-rate"
          value={m.cacheHits > 0 ? formatPercent(m.cacheHitRate) : '—'}
          {...(m.cacheHits === 0 && { hint: 'no cache hits reported' })}
        />
        <Stat
          label="Cost"
          testId="model-cost"
          value={formatUsd(pricedCost(m))}
          {...(pricedCost(m) === null && { hint: 'no price set (Settings → Prices)' })}
        />
      </div>
      <fieldset className="toolbar">
        <legend className="sr-only">Split charts by</legend>
        <span aria-hidden="true">Split by:</span>
        {(['version', 'variant'] as const).map((g) => (
          <button key={g} type="button" aria-pressed={groupBy === g} onClick={() => setGroup(g)}>
            {g}
          </button>
        ))}
      </fieldset>
      <div className="grid">
        {PANELS.map(({ title, ...panel }, i) => (
          <SeriesPanel
            key={title}
            title={`${title} by ${groupBy}`}
            query={series}
            defer={i > 0}
            {...panel}
          />
        ))}
      </div>
      <div className="grid">
        <QueueDepthPanel model={model} />
      </div>
      <QualityPanels model={model} groupBy={groupBy} />
      <CompareForm model={model} dimension={groupBy} arms={arms} />
    </>
  );
}

/** Picks two arms and opens the compare view. */
function CompareForm({
  model,
  dimension,
  arms,
}: {
  model: string;
  dimension: 'version' | 'variant';
  arms: string[];
}) {
  const search = useRangeSearch();
  const navigate = useNavigate();
  const [a, setA] = useState(arms[0] ?? '');
  const [b, setB] = useState(arms[1] ?? arms[0] ?? '');
  if (arms.length < 2)
    return (
      <Panel title="Compare">
        <p className="muted">
          Only {arms.length === 0 ? 'no' : 'one'} {dimension} reported: set{' '}
          <code>aiobs.model.version</code> or <code>aiobs.deployment.variant</code> on inference
          spans to compare arms.
        </p>
      </Panel>
    );
  const same = a === b;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (same) return;
    navigate({
      to: '/models/compare',
      // The model's default drift baseline unless the URL names another (the compare page).
      search: {
        ...search,
        model,
        a: `${dimension}:${a}`,
        b: `${dimension}:${b}`,
        baseline: undefined,
      },
    });
  };
  return (
    <Panel title={`Compare two ${dimension}s`}>
      <form className="toolbar" onSubmit={submit}>
        <label>
          A (baseline){' '}
          <select value={a} onChange={(e) => setA(e.target.value)}>
            {arms.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          B (candidate){' '}
          <select
            value={b}
            onChange={(e) => setB(e.target.value)}
            aria-invalid={same}
            aria-describedby={same ? 'compare-same' : undefined}
          >
            {arms.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={same}>
          Compare
        </button>
      </form>
      {same && (
        <p id="compare-same" className="error" role="alert">
          A and B are the same {dimension}: pick two different ones.
        </p>
      )}
    </Panel>
  );
}
