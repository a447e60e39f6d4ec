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
    // Fires within a minute of the first data: v1 of the support model (half the users) takes
    // ~380 ms to its first token, ~800 ms at p95 (model-server.ts); v2, the A/B treatment, is
    // faster, which is what the A/B test is to show.
    name: 'demo: support-chat p95 time to first token above 500 ms',
    signal: { kind: 'ttft', quantile: 0.95, model: CHAT_MODEL },
    window: '5m',
    condition: { op: '>', threshold: 500 },
    for: '1m',
    keepFiringFor: '2m',
    interval: '15s',
    labels: { ...LABELS, severity: 'ticket' },
    annotations: {
      summary: 'support-chat p95 time to first token is {{ $value }} ms (v1 is the slow arm)',
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
