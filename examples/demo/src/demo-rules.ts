import { CHAT_MODEL, FRAUD_MODEL } from './service.js';

/**
 * What the demo sets up so the Drift and Alerts pages have something to show: a default drift
 * baseline for the fraud model and three alert rules on the demo's models (docs/alerts.md for
 * the fields). No rule has a channel: the demo sends nothing beyond the collector.
 */

/** Name of the fraud model's default baseline (looked up by name, so it is created once). */
export const DEMO_BASELINE_NAME = 'demo: fraud-detector before the drift';

const LABELS = { source: 'aiobs_demo' };

/** The demo's alert rules, as `POST /api/v1/alert-rules` takes them. */
export const DEMO_RULES = [
  {
    // Fires within a minute: the simulated model server answers ~2% of chats with 429 and
    // ~0.6% with 500 (model-server.ts).
    name: 'demo: support-chat error rate above 1%',
    signal: { kind: 'errorRate', model: CHAT_MODEL },
    window: '5m',
    condition: { op: '>', threshold: 0.01 },
    for: '1m',
    keepFiringFor: '2m',
    interval: '15s',
    labels: { ...LABELS, severity: 'ticket' },
    annotations: {
      summary:
        'support-chat error rate {{ $value }} (the simulated model server rate-limits about 2% of chats)',
    },
  },
  {
    // Fires once the drift job (--drift-interval, default 5 min) has scored a window after
    // --drift-after against the default baseline; "ok" until the first score exists.
    name: 'demo: fraud-detector input drift (PSI)',
    signal: { kind: 'drift', model: FRAUD_MODEL, measure: 'psi' },
    window: '15m',
    condition: { op: '>=', threshold: 0.2, warning: 0.1 },
    interval: '30s',
    noDataState: 'ok',
    labels: LABELS,
    annotations: {
      summary:
        'the worst input feature of fraud-detector has PSI {{ $value }} against its baseline',
    },
  },
  {
    // Stays quiet: the fraud model answers in ~20-50 ms (more on a busy machine, far from 1 s).
    name: 'demo: fraud-detector p95 latency above 1 s',
    signal: { kind: 'latency', quantile: 0.95, model: FRAUD_MODEL },
    window: '5m',
    condition: { op: '>', threshold: 1000 },
    for: '2m',
    interval: '30s',
    labels: LABELS,
  },
] as const;
