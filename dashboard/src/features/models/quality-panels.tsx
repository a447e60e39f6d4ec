import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { TimeSeriesChart } from '../../components/charts/time-series-chart.js';
import { useZoom } from '../../components/charts/use-zoom.js';
import { Empty, ErrorState, Loading, Panel } from '../../components/states.js';
import { WhenVisible } from '../../components/when-visible.js';
import { formatNumber, formatPercent } from '../../lib/format.js';
import { formatRange } from '../../lib/time-range.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useBaselines } from '../drift/api.js';
import { driftVerdictsQuery } from '../overview/api.js';
import { useModelQuality } from './api.js';
import { accuracyRows, driftByArm, hasFeedback, qualityRows } from './quality.js';

type Dimension = 'version' | 'variant';

const num = (v: number | null) => (v === null ? '—' : v.toFixed(3));

/** Accuracy over time and each arm's quality figures, from feedback joined to predictions. */
function QualityBody({ model, groupBy }: { model: string; groupBy: Dimension }) {
  const q = useModelQuality(model, groupBy);
  const zoom = useZoom();
  if (q.isPending) return <Loading label="Joining feedback" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  const res = q.data;
  if (!hasFeedback(res))
    return (
      <Empty title="No feedback in this range">
        <p>
          Accuracy comes from feedback: send an <code>aiobs.feedback</code> log record with the
          prediction's <code>aiobs.prediction.id</code> and its true label, value or{' '}
          <code>correct</code> (docs/models.md, “Quality from feedback”).
        </p>
      </Empty>
    );
  const { rows, lines } = accuracyRows(res);
  return (
    <>
      <TimeSeriesChart
        rows={rows}
        lines={lines}
        unit="accuracy (%)"
        format={formatPercent}
        fromMs={Date.parse(res.from)}
        toMs={Date.parse(res.to)}
        yDomain={[0, 1]}
        onZoom={zoom}
      />
      <table className="table" data-testid="quality-table">
        <caption className="sr-only">Quality from feedback by {groupBy}</caption>
        <thead>
          <tr>
            <th scope="col">{groupBy === 'version' ? 'Version' : 'Variant'}</th>
            <th scope="col" className="num">
              Predictions
            </th>
            <th scope="col" className="num">
              With feedback
            </th>
            <th scope="col" className="num">
              Accuracy
            </th>
            <th scope="col" className="num">
              Macro F1
            </th>
            <th scope="col" className="num">
              MAE
            </th>
            <th scope="col" className="num">
              Brier
            </th>
          </tr>
        </thead>
        <tbody>
          {qualityRows(res).map((r) => (
            <tr key={r.arm} data-arm={r.arm}>
              <th scope="row">{r.arm}</th>
              <td className="num">{formatNumber(r.predictions)}</td>
              <td className="num">{formatPercent(r.coverage)}</td>
              <td className="num">{formatPercent(r.accuracy)}</td>
              <td className="num">{num(r.macroF1)}</td>
              <td className="num">{num(r.mae)}</td>
              <td className="num">{num(r.brier)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Feedback counts when it arrived within {Math.round(res.labelDelayMs / 3_600_000)} h of its
        prediction; recent buckets may still gain labels.
      </p>
    </>
  );
}

/** Each arm's drifting features in the latest window the drift job stored. */
function DriftBody({ model, groupBy }: { model: string; groupBy: Dimension }) {
  const search = useRangeSearch();
  const baselines = useBaselines();
  const reference = baselines.data?.baselines.find((b) => b.model === model && b.isDefault);
  const q = useQuery({
    ...driftVerdictsQuery(search, reference?.id ?? ''),
    enabled: reference !== undefined,
  });
  const driftLink = (
    <Link to="/drift" search={{ ...search, model }}>
      Drift page
    </Link>
  );
  if (baselines.isPending) return <Loading label="Loading baselines" height={80} />;
  if (baselines.isError)
    return <ErrorState error={baselines.error} retry={() => baselines.refetch()} />;
  if (!reference)
    return (
      <Empty title="No default drift baseline for this model">
        <p>
          Create one on the {driftLink} (from a version, a time range or a sample): the drift job
          then judges every {groupBy} against it each interval.
        </p>
      </Empty>
    );
  if (q.isPending) return <Loading label="Reading drift verdicts" height={80} />;
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  const rows = q.data.source === 'stored' ? driftByArm(q.data, groupBy) : [];
  if (rows.length === 0)
    return (
      <Empty title="No stored drift verdicts in this range">
        <p>
          The drift job stores a verdict per closed window against “{reference.name}”. Pick a longer
          range, or compute drift for any range on the {driftLink}.
        </p>
      </Empty>
    );
  return (
    <>
      <table className="table" data-testid="drift-by-arm">
        <caption className="sr-only">
          Drift by {groupBy} in the latest stored windows with a verdict
        </caption>
        <thead>
          <tr>
            <th scope="col">{groupBy === 'version' ? 'Version' : 'Variant'}</th>
            <th scope="col">Latest judged window</th>
            <th scope="col">Drifting</th>
            <th scope="col">Moderate</th>
            <th scope="col" className="num">
              Judged
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.arm} data-arm={r.arm}>
              <th scope="row">{r.arm}</th>
              <td>{formatRange(Date.parse(r.windowFrom), Date.parse(r.windowTo))}</td>
              <td>
                {r.drift.length > 0 ? (
                  <span className="badge badge-worse">{r.drift.join(', ')}</span>
                ) : (
                  'none'
                )}
              </td>
              <td>{r.moderate.length > 0 ? r.moderate.join(', ') : 'none'}</td>
              <td className="num">
                {r.judged} of {r.features}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Against the default baseline “{reference.name}”; scores over time and distributions on the{' '}
        {driftLink}.
      </p>
    </>
  );
}

/**
 * The model page's quality panels: accuracy from feedback and drift from the stored verdicts,
 * per version or variant. Each asks the collector only once scrolled near, so they do not
 * delay the page's first chart.
 */
export function QualityPanels({ model, groupBy }: { model: string; groupBy: Dimension }) {
  return (
    <>
      <Panel title={`Quality from feedback by ${groupBy}`} wide>
        <WhenVisible height={220}>
          <QualityBody model={model} groupBy={groupBy} />
        </WhenVisible>
      </Panel>
      <Panel title={`Drift by ${groupBy}`} wide>
        <WhenVisible height={80}>
          <DriftBody model={model} groupBy={groupBy} />
        </WhenVisible>
      </Panel>
    </>
  );
}
