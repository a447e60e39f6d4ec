import type { TraceSpan } from '@aiobs/api-types';
import { Link } from '@tanstack/react-router';
import { formatMs } from '../../../lib/format.js';
import { useRangeSearch } from '../../../lib/use-range.js';
import { rangeAround, sortedAttributes, spanErrors, spanModel } from '../prepare.js';

function AttributeTable({ caption, attrs }: { caption: string; attrs: Record<string, string> }) {
  const rows = sortedAttributes(attrs);
  if (rows.length === 0) return <p className="muted">No {caption.toLowerCase()}.</p>;
  return (
    <table className="table table-compact">
      <caption className="caption">{caption}</caption>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">
              <code>{k}</code>
            </th>
            <td className="wrap">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Everything about one span: identity, timing, status, errors, attributes, events, links; an
 * inference span's model leads to its model page.
 */
export function SpanDetails({ span, traceStartNs }: { span: TraceSpan; traceStartNs: bigint }) {
  const search = useRangeSearch();
  const errors = spanErrors(span);
  const startNs = BigInt(span.startTimeUnixNano);
  const model = spanModel(span);
  return (
    <div className="span-details" data-testid="span-details">
      <h3>
        {span.name} <span className="muted small">{span.serviceName}</span>
      </h3>
      <dl className="facts">
        <dt>Duration</dt>
        <dd data-testid="span-duration">{formatMs(span.durationMs)}</dd>
        <dt>Start</dt>
        <dd>
          {span.startTime.replace('T', ' ').slice(0, 23)} (+
          {formatMs(Number(startNs - traceStartNs) / 1e6)})
        </dd>
        <dt>Kind</dt>
        <dd>{span.kind}</dd>
        {model && (
          <>
            <dt>Model</dt>
            <dd>
              <Link
                to="/models/view"
                search={{
                  ...rangeAround(search, Date.parse(span.startTime), Date.now()),
                  model,
                }}
                data-testid="span-model"
              >
                {model}
              </Link>
            </dd>
          </>
        )}
        <dt>Status</dt>
        <dd>
          {span.statusCode}
          {span.statusMessage && `: ${span.statusMessage}`}
        </dd>
        <dt>Span id</dt>
        <dd>
          <code>{span.spanId}</code>
        </dd>
        <dt>Parent</dt>
        <dd>{span.parentSpanId ? <code>{span.parentSpanId}</code> : 'none (root)'}</dd>
        <dt>Scope</dt>
        <dd>
          {span.scope.name || '—'} {span.scope.version}
        </dd>
      </dl>
      {errors.length > 0 && (
        <section className="span-errors" aria-label="Errors">
          <h4>Errors</h4>
          {errors.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a span's errors have no id and never reorder
            <div key={`${e.type}-${i}`} className="state-error">
              <strong>{e.type}</strong>
              {e.message && `: ${e.message}`}
              {e.stacktrace && <pre>{e.stacktrace}</pre>}
            </div>
          ))}
        </section>
      )}
      <AttributeTable caption="Attributes" attrs={span.attributes} />
      <AttributeTable caption="Resource attributes" attrs={span.resourceAttributes} />
      <h4>Events</h4>
      {span.events.length === 0 ? (
        <p className="muted">No events.</p>
      ) : (
        <ul className="events">
          {span.events.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: two events may share a time; they never reorder
            <li key={`${e.timeUnixNano}-${i}`}>
              <strong>{e.name}</strong>{' '}
              <span className="muted">
                +{formatMs(Number(BigInt(e.timeUnixNano) - startNs) / 1e6)}
              </span>
              {Object.keys(e.attributes).length > 0 && (
                <AttributeTable caption={`${e.name} attributes`} attrs={e.attributes} />
              )}
            </li>
          ))}
        </ul>
      )}
      {span.links.length > 0 && (
        <>
          <h4>Links</h4>
          <ul>
            {span.links.map((l) => (
              <li key={`${l.traceId}-${l.spanId}`}>
                <code>{l.traceId}</code> / <code>{l.spanId}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
