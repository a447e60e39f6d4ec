import type { SlowestResponse } from '@aiobs/api-types';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ErrorState, Loading, Panel } from '../../../components/states.js';
import { type Column, TableHead } from '../../../components/table-head.js';
import { formatMs } from '../../../lib/format.js';
import { useRangeSearch } from '../../../lib/use-range.js';

const COLUMNS: readonly Column[] = [
  'Time (UTC)',
  'Model',
  'Service',
  { label: 'Duration', num: true },
  'Trace',
];

/**
 * The slowest inferences of the range: each opens its trace with the inference span selected,
 * and its model's page, over the same range.
 */
export function SlowestTable({ query }: { query: UseQueryResult<SlowestResponse> }) {
  const search = useRangeSearch();
  const range = { from: search.from, to: search.to, refresh: search.refresh };
  let body: React.ReactNode;
  if (query.isPending) body = <Loading />;
  else if (query.isError) body = <ErrorState error={query.error} retry={() => query.refetch()} />;
  else
    body = (
      <table className="table" data-testid="slowest">
        <caption className="sr-only">Slowest inferences in the range</caption>
        <TableHead columns={COLUMNS} />
        <tbody>
          {query.data.inferences.map((r) => (
            <tr key={r.spanId} data-trace={r.traceId}>
              <td>
                <time dateTime={r.time}>{r.time.slice(11, 19)}</time>
              </td>
              <td>
                <Link to="/models/view" search={{ ...range, model: r.model }}>
                  {r.model}
                </Link>
                {r.version ? ` ${r.version}` : ''}
              </td>
              <td>{r.service}</td>
              <td className="num">{formatMs(r.durationMs)}</td>
              <td>
                <Link
                  to="/traces/view"
                  search={{ ...range, id: r.traceId, span: r.spanId }}
                  title={r.traceId}
                >
                  <code>{r.traceId.slice(0, 12)}</code>
                </Link>
                {r.error && <span className="badge badge-error">error</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return <Panel title="Slowest inferences">{body}</Panel>;
}
