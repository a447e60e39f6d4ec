import { Link } from '@tanstack/react-router';
import { Empty, ErrorState, Loading, Panel } from '../../components/states.js';
import { formatMs, formatNumber, formatPercent, formatUsd } from '../../lib/format.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useBaselines } from '../drift/api.js';
import { useCompare } from './api.js';
import { type CompareRow, compareRows } from './prepare.js';
import { compareHeadline, type SignificanceRow, significanceRows } from './significance.js';

function fmt(kind: CompareRow['kind'], v: number | null): string {
  if (kind === 'ms') return formatMs(v);
  if (kind === 'ratio') return formatPercent(v);
  if (kind === 'usd') return formatUsd(v);
  return formatNumber(v);
}

const VERDICT_TEXT: Record<SignificanceRow['verdict'], string> = {
  better: 'better',
  worse: 'worse',
  no_significant_difference: 'no significant difference',
  insufficient_data: 'too few values',
};

const VERDICT_BADGE: Record<SignificanceRow['verdict'], string> = {
  better: 'better',
  worse: 'worse',
  no_significant_difference: 'same',
  insufficient_data: 'na',
};

/**
 * Two versions or variants side by side: what to do with B (from the significance tests),
 * each measure's test, and the observed figures. With a drift baseline for the model (the
 * URL's, else its default), each arm's drift against it is judged too.
 */
export function ComparePage({
  model,
  a,
  b,
  baseline,
}: {
  model: string;
  a?: string;
  b?: string;
  baseline?: string;
}) {
  const search = useRangeSearch();
  // The comparison picks the model's baseline itself; the list only names the one it used.
  const baselines = useBaselines();
  const q = useCompare(model, a, b, baseline);
  const reference = baselines.data?.baselines.find(
    (x) => x.id === q.data?.significance?.drift?.baseline,
  );
  const back = (
    <p className="crumbs">
      <Link to="/models" search={search}>
        Models
      </Link>{' '}
      /{' '}
      <Link to="/models/view" search={{ ...search, model }}>
        {model}
      </Link>{' '}
      /
    </p>
  );
  if (!a || !b)
    return (
      <>
        {back}
        <h1>Compare</h1>
        <Empty title="Pick two arms to compare">
          <p>Open the model and choose A and B under “Compare”.</p>
        </Empty>
      </>
    );
  if (q.isPending) return <Loading label="Comparing" />;
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  const rows = compareRows(q.data);
  const sig = q.data.significance;
  const tests = sig ? significanceRows(sig) : [];
  const head = sig ? compareHeadline(tests, sig.alpha) : undefined;
  return (
    <>
      {back}
      <h1>
        {model}: {a} vs {b}
      </h1>
      {head && sig ? (
        <div
          className={`verdict verdict-${head.action.replace(' ', '-')}`}
          role="status"
          data-testid="verdict"
        >
          <strong>{head.title}</strong>: {head.reason}.
          <span className="muted small">
            {' '}
            B is the candidate, A the baseline. Each verdict holds at α = {sig.alpha} however often
            this page is reloaded (always-valid p-values of a sequential test).
          </span>
        </div>
      ) : (
        <div className="verdict verdict-hold" role="status" data-testid="verdict">
          <strong>No verdict</strong>: the collector did not compute significance for this
          comparison; the figures below are observed values only.
        </div>
      )}
      {sig && (
        <Panel title="Significance (B against A)" wide>
          <table className="table" data-testid="significance-table">
            <caption className="sr-only">Significance tests of B against A</caption>
            <thead>
              <tr>
                <th scope="col">Measure</th>
                <th scope="col">Test</th>
                <th scope="col" className="num">
                  A: {q.data.a.value}
                </th>
                <th scope="col" className="num">
                  B: {q.data.b.value}
                </th>
                <th scope="col" className="num">
                  Effect
                </th>
                <th scope="col" className="num">
                  {Math.round((1 - sig.alpha) * 100)}% interval
                </th>
                <th scope="col" className="num">
                  p (always valid)
                </th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {tests.map((t) => (
                <tr key={t.key} data-measure={t.key}>
                  <th scope="row">{t.label}</th>
                  <td>{t.test}</td>
                  <td className="num">{t.a}</td>
                  <td className="num">{t.b}</td>
                  <td className="num">{t.effect}</td>
                  <td className="num">{t.ci}</td>
                  <td className="num">{t.p}</td>
                  <td>
                    <span className={`badge badge-${VERDICT_BADGE[t.verdict]}`}>
                      {VERDICT_TEXT[t.verdict]}
                    </span>
                    {t.why && <span className="muted small"> {t.why}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            {sig.drift
              ? // The name comes with the baseline list, which may answer after the comparison.
                `Drift: each arm against ${reference ? `the baseline “${reference.name}”` : 'the model’s baseline'}. `
              : 'Drift: no baseline for this model; create one on the Drift page to compare the arms’ drift. '}
            Accuracy counts feedback that arrived within {Math.round(sig.labelDelayMs / 3_600_000)}{' '}
            h of its prediction.
          </p>
        </Panel>
      )}
      <Panel title="Figures" wide>
        <table className="table" data-testid="compare-table">
          <caption className="sr-only">Figures of A and B</caption>
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col" className="num">
                A: {q.data.a.value}
              </th>
              <th scope="col" className="num">
                B: {q.data.b.value}
              </th>
              <th scope="col" className="num">
                B − A
              </th>
              <th scope="col" className="num">
                Change
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-figure={r.key}>
                <th scope="row">{r.label}</th>
                <td className="num">{fmt(r.kind, r.a)}</td>
                <td className="num">{fmt(r.kind, r.b)}</td>
                <td className="num">{fmt(r.kind, r.delta)}</td>
                <td className="num">
                  {r.change === null
                    ? '—'
                    : `${r.change > 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
