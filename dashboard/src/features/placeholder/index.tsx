import { Empty } from '../../components/states.js';

/** What each page not built yet will show, and what it waits for. */
export const PLANNED: Record<string, { title: string; will: string; waits: string }> = {
  traces: {
    title: 'Traces',
    will: 'Search traces by service, model, version, status, duration and any attribute; a results table with a latency scatter; a waterfall view of each trace with span details, events and the GPUs of its host.',
    waits: 'This page is next: the trace API (/api/v1/traces) already exists.',
  },
  drift: {
    title: 'Drift',
    will: 'Per model, each feature with its drift score and verdict, the score over time, reference vs current distributions and the baselines.',
    waits: 'It waits for the drift API.',
  },
  infrastructure: {
    title: 'Infrastructure',
    will: 'Hosts and GPUs: utilization, memory, temperature, power and throttling over time, a fleet heat map and a model’s latency on the same axis.',
    waits:
      'The GPU APIs exist; this page is not built yet. Install the agent on GPU hosts to feed it.',
  },
  alerts: {
    title: 'Alerts',
    will: 'Alert rules with a live preview of where they would have fired, current states, history, channels and silences.',
    waits: 'It waits for the alerting API.',
  },
  settings: {
    title: 'Settings',
    will: 'Projects, members, keys and tokens, prices, and the snippets to configure the SDK, an OpenTelemetry SDK or Collector, and the agent.',
    waits: 'It waits for the tenancy API.',
  },
};

/** The honest empty state of a page that is not built yet. */
export function PlannedPage({ page }: { page: keyof typeof PLANNED }) {
  const p = PLANNED[page]!;
  return (
    <>
      <h1>{p.title}</h1>
      <Empty title="Not built yet">
        <p>{p.will}</p>
        <p className="muted">{p.waits}</p>
      </Empty>
    </>
  );
}
