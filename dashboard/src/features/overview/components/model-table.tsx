import { Link } from '@tanstack/react-router';
import { type Column, TableHead } from '../../../components/table-head.js';
import { formatMs, formatNumber, formatPercent, formatUsd } from '../../../lib/format.js';
import { useRangeSearch } from '../../../lib/use-range.js';
import type { ModelRow } from '../prepare.js';
import { PricesLink } from './prices-link.js';

const COLUMNS: readonly Column[] = [
  'Model',
  { label: 'Requests/s', num: true },
  { label: 'p50', num: true },
  { label: 'p95', num: true },
  { label: 'p99', num: true },
  { label: 'Error rate', num: true },
  { label: 'TTFT p50', num: true },
  { label: 'TTFT p95', num: true },
  { label: 'Tokens/s', num: true },
  { label: 'Cost', num: true },
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
              <td className="num" data-col="rps">
                {formatNumber(r.requestsPerSecond)}
              </td>
              <td className="num" data-col="p50">
                {formatMs(r.latencyP50Ms)}
              </td>
              <td className="num" data-col="p95">
                {formatMs(r.latencyP95Ms)}
              </td>
              <td className="num" data-col="p99">
                {formatMs(r.latencyP99Ms)}
              </td>
              <td className="num" data-col="errors">
                {formatPercent(r.errorRate)}
              </td>
              <td className="num" data-col="ttft-p50">
                {formatMs(r.ttftP50Ms)}
              </td>
              <td className="num" data-col="ttft-p95">
                {formatMs(r.ttftP95Ms)}
              </td>
              <td className="num" data-col="tps">
                {formatNumber(r.tokensPerSecond)}
              </td>
              <td className="num" data-col="cost">
                {formatUsd(r.costUsd)}
              </td>
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
