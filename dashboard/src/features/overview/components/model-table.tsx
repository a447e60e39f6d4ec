import { Link } from '@tanstack/react-router';
import { type Column, TableHead } from '../../../components/table-head.js';
import { formatMs, formatNumber, formatPercent, formatUsd } from '../../../lib/format.js';
import { useRangeSearch } from '../../../lib/use-range.js';
import type { ModelRow } from '../prepare.js';
import { PricesLink } from './prices-link.js';

/** A figure column: its header, its `data-col` (what tests and styles key on), its cell. */
interface Figure {
  label: string;
  col: string;
  cell: (r: ModelRow) => string;
}

const FIGURES: readonly Figure[] = [
  { label: 'Requests/s', col: 'rps', cell: (r) => formatNumber(r.requestsPerSecond) },
  { label: 'p50', col: 'p50', cell: (r) => formatMs(r.latencyP50Ms) },
  { label: 'p95', col: 'p95', cell: (r) => formatMs(r.latencyP95Ms) },
  { label: 'p99', col: 'p99', cell: (r) => formatMs(r.latencyP99Ms) },
  { label: 'Error rate', col: 'errors', cell: (r) => formatPercent(r.errorRate) },
  { label: 'TTFT p50', col: 'ttft-p50', cell: (r) => formatMs(r.ttftP50Ms) },
  { label: 'TTFT p95', col: 'ttft-p95', cell: (r) => formatMs(r.ttftP95Ms) },
  { label: 'Tokens/s', col: 'tps', cell: (r) => formatNumber(r.tokensPerSecond) },
  { label: 'Cost', col: 'cost', cell: (r) => formatUsd(r.costUsd) },
];

const COLUMNS: readonly Column[] = [
  'Model',
  ...FIGURES.map((f) => ({ label: f.label, num: true })),
];

/**
 * Each model's figures over the range, busiest first; a model's name opens its page over the
 * same range. A model without a price shows "—" for cost, with where to set one.
 */
export function ModelTable({ rows }: { rows: ModelRow[] }) {
  const search = useRangeSearch();
  const range = { from: search.from, to: search.to, refresh: search.refresh };
  const unpriced = rows.filter((r) => r.costUsd === null).map((r) => r.model);
  return (
    <>
      <table className="table" data-testid="model-table">
        <caption className="sr-only">Figures per model in the range</caption>
        <TableHead columns={COLUMNS} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.model} data-model={r.model}>
              <th scope="row">
                <Link to="/models/view" search={{ ...range, model: r.model }}>
                  {r.model}
                </Link>
              </th>
              {FIGURES.map((f) => (
                <td key={f.col} className="num" data-col={f.col}>
                  {f.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {unpriced.length > 0 && (
        <p className="muted" data-testid="unpriced-hint">
          No price for {unpriced.join(', ')}: cost shows as “—” until one is set under{' '}
          <PricesLink />.
        </p>
      )}
    </>
  );
}
