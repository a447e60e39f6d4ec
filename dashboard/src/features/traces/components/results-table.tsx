import type { TraceSummary } from '@aiobs/api-types';
import { Link } from '@tanstack/react-router';
import { memo } from 'react';
import { formatMs } from '../../../lib/format.js';
import type { RangeSearch } from '../../../lib/search.js';
import type { TraceFilters } from '../prepare.js';

/**
 * The traces found, newest (or longest) first; each opens its trace view with `context`, the
 * range and filters of the search (the way back keeps them). Memoized: each row's router
 * link costs a location build, so the table re-renders only for new props.
 */
export const ResultsTable = memo(function ResultsTable({
  traces,
  context,
}: {
  traces: TraceSummary[];
  context: Pick<RangeSearch, 'from' | 'to' | 'refresh'> & TraceFilters;
}) {
  return (
    <table className="table" data-testid="traces-table">
      <caption className="sr-only">Traces matching the filters</caption>
      <thead>
        <tr>
          <th scope="col">Start (UTC)</th>
          <th scope="col">Root span</th>
          <th scope="col">Services</th>
          <th scope="col" className="num">
            Spans
          </th>
          <th scope="col" className="num">
            Duration
          </th>
          <th scope="col">Trace</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr key={t.traceId} data-trace={t.traceId}>
            <td>
              <time dateTime={t.startTime}>{t.startTime.slice(0, 19).replace('T', ' ')}</time>
            </td>
            <td>
              <Link to="/traces/view" search={{ ...context, id: t.traceId }}>
                {t.rootSpan.name || '(no root span)'}
              </Link>
              <div className="muted small">{t.rootSpan.serviceName}</div>
            </td>
            <td>{t.services.join(', ')}</td>
            <td className="num">
              {t.spanCount}
              {t.errorCount > 0 && (
                <span className="badge badge-error">
                  {t.errorCount} error{t.errorCount > 1 ? 's' : ''}
                </span>
              )}
            </td>
            <td className="num" data-testid="trace-duration">
              {formatMs(t.durationMs)}
            </td>
            <td>
              <code title={t.traceId}>{t.traceId.slice(0, 12)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
