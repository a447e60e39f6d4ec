import type { AlertsResponse } from '@aiobs/api-types';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Empty, ErrorState, Loading, Panel } from '../../../components/states.js';
import { formatNumber } from '../../../lib/format.js';
import { useRangeSearch } from '../../../lib/use-range.js';
import { formatAge, sortFiring } from '../prepare.js';

const SEVERITY_COLOR = { critical: 'var(--error)', warning: 'var(--warn)' } as const;

/**
 * The alerts firing now, most urgent first, each leading to its rule on the Alerts page
 * (`/alerts?rule=<id>`); how long each has fired is taken at the answer's time, so it does
 * not tick between refreshes.
 */
export function FiringAlerts({ query }: { query: UseQueryResult<AlertsResponse> }) {
  const search = useRangeSearch();
  // The range and project only: the overview's own params mean nothing on the Alerts page.
  const range = {
    from: search.from,
    to: search.to,
    refresh: search.refresh,
    project: search.project,
  };
  /** A link to the Alerts page, or to one rule there (`/alerts?rule=<id>`: its form). */
  const toAlerts = (text: string, rule?: string) => (
    <Link to="/alerts" search={{ ...range, rule }}>
      {text}
    </Link>
  );
  let body: React.ReactNode;
  if (query.isPending) body = <Loading label="Loading alerts" height={120} />;
  else if (query.isError) body = <ErrorState error={query.error} retry={() => query.refetch()} />;
  else {
    const firing = sortFiring(query.data.alerts);
    body =
      firing.length === 0 ? (
        <Empty title="Nothing is firing">
          <p>Rules, their states and history are on the {toAlerts('Alerts page')}.</p>
        </Empty>
      ) : (
        <>
          <table className="table" data-testid="firing-alerts">
            <caption className="sr-only">Alerts firing now</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Severity</th>
                <th scope="col" className="num">
                  Value
                </th>
                <th scope="col">Firing for</th>
              </tr>
            </thead>
            <tbody>
              {firing.map((a) => {
                const since = a.firingSince ?? a.activeAt;
                return (
                  <tr key={`${a.ruleId}-${a.fingerprint}`} data-rule={a.ruleName}>
                    <td>{toAlerts(a.ruleName, a.ruleId)}</td>
                    <td>
                      {a.severity ? (
                        <span
                          className="badge"
                          style={{ color: SEVERITY_COLOR[a.severity], marginLeft: 0 }}
                        >
                          {a.severity}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="num">{a.value === null ? '—' : formatNumber(a.value, 2)}</td>
                    <td>
                      {since ? (
                        <time dateTime={since} title={since}>
                          {formatAge(query.dataUpdatedAt - Date.parse(since))}
                        </time>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted">{toAlerts('All alerts and rules →')}</p>
        </>
      );
  }
  return <Panel title={`Firing alerts${count(query)}`}>{body}</Panel>;
}

/** ` (3)` after the title once the list is known. */
function count(q: UseQueryResult<AlertsResponse>): string {
  if (!q.data) return '';
  return ` (${q.data.alerts.filter((a) => a.state === 'firing').length})`;
}
