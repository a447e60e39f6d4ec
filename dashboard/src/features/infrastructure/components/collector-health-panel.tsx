import type { CollectorHealthResponse } from '@aiobs/api-types';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { TimeSeriesChart } from '../../../components/charts/time-series-chart.js';
import { useZoom } from '../../../components/charts/use-zoom.js';
import { Empty, ErrorState, Loading, Panel } from '../../../components/states.js';
import { WhenVisible } from '../../../components/when-visible.js';
import { formatBytes, formatMs, formatNumber } from '../../../lib/format.js';
import { meQuery } from '../../../lib/session.js';
import { useCollectorHealth } from '../api.js';
import {
  type CollectorSummary,
  collectorSummaries,
  type HealthBound,
  type HealthFigure,
  hasHealth,
  healthLines,
  utcTime,
} from '../collector-health.js';

const MiB = 1024 ** 2;
const fromMiB = (v: number) => formatBytes(v * MiB);
const toMiB = (v: number) => v / MiB;
/** A duration of the stats rows: `60 s`, `5 min`. */
const every = (ms: number) =>
  ms >= 120_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;

/** The charts of the section, in reading order. */
const CHARTS: Array<{
  title: string;
  figure: HealthFigure;
  bound?: HealthBound;
  unit: string;
  format: (v: number) => string;
  scale?: (v: number) => number;
}> = [
  {
    title: 'Records accepted per second',
    figure: 'acceptedPerS',
    unit: 'records/s',
    format: formatNumber,
  },
  {
    title: 'Refused per second (503)',
    figure: 'refusedPerS',
    unit: 'requests/s',
    format: formatNumber,
  },
  { title: 'Mean insert time', figure: 'insertMeanMs', unit: 'insert (ms)', format: formatMs },
  {
    title: 'RSS (and the memory bound)',
    figure: 'rssBytes',
    bound: { figure: 'memoryBoundBytes', suffix: 'memory bound' },
    unit: 'RSS (MiB)',
    format: fromMiB,
    scale: toMiB,
  },
  {
    title: 'Pending bytes (and the budget)',
    figure: 'pendingBytes',
    bound: { figure: 'maxPendingBytes', suffix: 'budget' },
    unit: 'pending (MiB)',
    format: fromMiB,
    scale: toMiB,
  },
  {
    title: 'Alert evaluation lag p99',
    figure: 'evaluationLagP99Ms',
    unit: 'lag p99 (ms)',
    format: formatMs,
  },
];

/** A time of the table, in UTC, with the full instant on hover. */
function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {utcTime(iso)}
    </time>
  );
}

/** RSS against the memory bound: `512 MiB of 2.0 GiB (25.0%)`, or `512 MiB, no bound`. */
function rssText(s: CollectorSummary): string {
  if (s.rssBytes === null) return '—';
  if (s.memoryBoundBytes === null) return `${formatBytes(s.rssBytes)}, no bound`;
  const pct = ((s.rssBytes / s.memoryBoundBytes) * 100).toFixed(0);
  return `${formatBytes(s.rssBytes)} of ${formatBytes(s.memoryBoundBytes)} (${pct}%)`;
}

/** A run per row: when it started and was last seen, its latest rates and figures. */
function SummaryTable({ res }: { res: CollectorHealthResponse }) {
  return (
    <div style={{ overflowX: 'auto' }}>
      <table className="table table-compact" data-testid="collectors-table">
        <caption className="sr-only">Each collector’s latest figures in this range</caption>
        <thead>
          <tr>
            <th scope="col">Collector (host:pid)</th>
            <th scope="col">Started (UTC)</th>
            <th scope="col">Last seen (UTC)</th>
            <th scope="col" className="num">
              Accepted/s
            </th>
            <th scope="col" className="num">
              Refused/s (503)
            </th>
            <th scope="col" className="num">
              RSS vs bound
            </th>
            <th scope="col" className="num">
              Active parts
            </th>
            <th scope="col" className="num">
              Evaluations/s
            </th>
            <th scope="col" className="num">
              Evaluation lag p99
            </th>
          </tr>
        </thead>
        <tbody>
          {collectorSummaries(res).map((s) => (
            <tr key={s.label} data-collector={s.collector}>
              <th scope="row">{s.label}</th>
              <td>
                <Time iso={s.startedAt} />
              </td>
              <td>
                <Time iso={s.lastSeen} />
              </td>
              <td className="num">{formatNumber(s.acceptedPerS)}</td>
              <td className="num">
                {formatNumber(s.refusedPerS)}
                {s.refusedPerS !== null && s.refusedPerS > 0 && (
                  <span className="badge badge-error">refusing</span>
                )}
              </td>
              <td className="num">{rssText(s)}</td>
              <td className="num">{formatNumber(s.activeParts)}</td>
              <td className="num">{formatNumber(s.evaluationsPerS)}</td>
              <td className="num">{formatMs(s.evaluationLagP99Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One small chart of the section, a line per collector run, under its own heading. */
function HealthChart({
  res,
  spec,
  onZoom,
}: {
  res: CollectorHealthResponse;
  spec: (typeof CHARTS)[number];
  onZoom: (fromMs: number, toMs: number) => void;
}) {
  const id = useId();
  const { rows, lines } = healthLines(res, spec.figure, spec.bound, spec.scale);
  return (
    <section aria-labelledby={id} style={{ minWidth: 0 }}>
      <h3 id={id} style={{ fontSize: 13, margin: '4px 0' }}>
        {spec.title}
      </h3>
      <TimeSeriesChart
        rows={rows}
        lines={lines}
        unit={spec.unit}
        format={spec.format}
        fromMs={Date.parse(res.from)}
        toMs={Date.parse(res.to)}
        height={200}
        onZoom={onZoom}
      />
    </section>
  );
}

/** The section's body once near the viewport: the query, its states, the table and charts. */
function CollectorHealthBody() {
  const q = useCollectorHealth();
  const zoom = useZoom();
  if (q.isPending) return <Loading label="Reading collector stats" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  const res = q.data;
  if (!hasHealth(res))
    return (
      <Empty title="No collector stats in this range">
        <p>
          Each collector writes a row of its own figures every <code>--stats-interval</code> seconds
          (default 60 s; <code>--stats-interval 0</code> turns them off).
          {res.intervalMs === 0
            ? ' This collector runs with --stats-interval 0: it writes none.'
            : ' Pick a longer range, or wait for the next row.'}
        </p>
      </Empty>
    );
  return (
    <>
      <SummaryTable res={res} />
      <p className="muted small">
        A row per collector every {every(res.intervalMs)} (<code>--stats-interval</code>); charts
        per {every(res.stepMs)} bucket, rates from the differences of the totals.
      </p>
      <div className="grid">
        {CHARTS.map((spec) => (
          <HealthChart key={spec.title} res={res} spec={spec} onZoom={zoom} />
        ))}
      </div>
    </>
  );
}

/**
 * The collectors' own health (ingest rates, refusals, insert time, memory, pending bytes,
 * alert evaluation lag) from the rows each writes every `--stats-interval`: for the instance
 * admin only (the API answers 403 to anyone else), so it renders nothing for other callers
 * or until `/auth/me` has answered. Its query runs once the section nears the viewport.
 */
export function CollectorHealthSection() {
  const me = useQuery(meQuery);
  if (me.data?.instanceAdmin !== true) return null;
  return (
    <Panel title="Collector health" wide>
      <WhenVisible height={480}>
        <CollectorHealthBody />
      </WhenVisible>
    </Panel>
  );
}
