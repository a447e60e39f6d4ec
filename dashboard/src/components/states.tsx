import type { ReactNode } from 'react';
import { ApiError } from '../lib/api-client.js';

/** A panel that is loading: a labelled placeholder of the panel's height. */
export function Loading({ label = 'Loading', height = 220 }: { label?: string; height?: number }) {
  return (
    <div
      className="state state-loading"
      style={{ minHeight: height }}
      role="status"
      aria-live="polite"
    >
      {label}…
    </div>
  );
}

/** Nothing to show, with the next step to get data. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

/** The instrumentation snippet and the demo, offered wherever there is no data yet. */
export function GetDataHint() {
  return (
    <div className="hint">
      <p>Send inference spans with the SDK:</p>
      <pre>
        <code>{`import { init } from '@aiobs/sdk';
// ingest key from AIOBS_API_KEY
init({ serviceName: 'my-app', endpoint: '${window.location.origin}' });`}</code>
      </pre>
      <p>
        or fill the collector with sample traffic: <code>npm run demo</code>. Any OpenTelemetry SDK
        exporting GenAI spans over OTLP to <code>{window.location.origin}/v1/traces</code> works
        too.
      </p>
    </div>
  );
}

/** A failed request, with what the API said and a retry button. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message =
    error instanceof ApiError
      ? `${error.message} (${error.status} ${error.code})`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">Could not load this panel</p>
      <p>{message}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** A titled panel of a page. */
export function Panel({
  title,
  children,
  wide,
}: {
  title: string;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <section className={wide ? 'panel panel-wide' : 'panel'} aria-label={title}>
      <h2 className="panel-title">{title}</h2>
      {children}
    </section>
  );
}
