import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * The dashboard's shell. Its pages (services, traces, models, GPUs, drift, alerts) are
 * being built; until then it points at what the collector already serves.
 */
function App() {
  return (
    <main
      style={{
        fontFamily: 'system-ui, sans-serif',
        maxWidth: 720,
        margin: '4rem auto',
        lineHeight: 1.5,
      }}
    >
      <h1>aiobs</h1>
      <p>
        The collector is running. The dashboard pages are not built yet; the data is already
        available through the query API.
      </p>
      <ul>
        <li>
          Health: <a href="/api/v1/health">/api/v1/health</a>
        </li>
        <li>
          Query API (admin token from <code>.aiobs-data/credentials.json</code>):{' '}
          <code>/api/v1/services</code>, <code>/api/v1/traces</code>, <code>/api/v1/logs</code>,{' '}
          <code>/api/v1/metrics</code>, <code>/api/v1/gpus</code> — see docs/api.md
        </li>
        <li>
          OTLP/HTTP: <code>/v1/traces</code>, <code>/v1/metrics</code>, <code>/v1/logs</code>
        </li>
      </ul>
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
