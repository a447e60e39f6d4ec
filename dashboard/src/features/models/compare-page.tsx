import { Link } from '@tanstack/react-router';
import { Empty, ErrorState, Loading, Panel } from '../../components/states.js';
import { formatMs, formatNumber, formatPercent, formatUsd } from '../../lib/format.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useCompare } from './api.js';
import { type CompareRow, compareRows, compareVerdict } from './prepare.js';

function fmt(kind: CompareRow['kind'], v: number | null): string {
  if (kind === 'ms') return formatMs(v);
  if (kind === 'ratio') return formatPercent(v);
  if (kind === 'usd') return formatUsd(v);
  return formatNumber(v);
}

/** Two versions or variants side by side, with which way the evidence points. */
export function ComparePage({ model, a, b }: { model: string; a?: string; b?: string }) {
  const search = useRangeSearch();
  const q = useCompare(model, a, b);
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
  const v = compareVerdict(rows);
  return (
    <>
      {back}
      <h1>
        {model}: {a} vs {b}
      </h1>
      <div
        className={`verdict verdict-${v.verdict.replace(' ', '-')}`}
        role="status"
        data-testid="verdict"
      >
        <strong>
          {v.verdict === 'promote'
            ? 'Promote B'
            : v.verdict === 'roll back'
              ? 'Roll back B'
              : 'Hold'}
        </strong>
        : {v.reason}.
        <span className="muted small">
          {' '}
          Observed differences over the range; significance tests are not available yet.
        </span>
      </div>
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
              <th scope="col">B is</th>
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
                <td>
                  <span className={`badge badge-${r.outcome.replace('/', '')}`}>{r.outcome}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
