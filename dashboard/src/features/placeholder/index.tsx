import { Empty } from '../../components/states.js';

/** What each page not built yet will show, and what it waits for. */
export const PLANNED: Record<string, { title: string; will: string; waits: string }> = {
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
