import type { QueryClient } from '@tanstack/react-query';
import { alertListQueries } from './features/alerts/api.js';
import { baselinesQuery, driftQuery, driftSeriesQuery } from './features/drift/api.js';
import { driftSelection } from './features/drift/prepare.js';
import { gpuSeriesQuery, gpusQuery, hostsQuery } from './features/infrastructure/api.js';
import { compareQuery, modelSeriesQuery, modelSparklinesQuery } from './features/models/api.js';
import {
  changesQuery,
  driftVerdictsQuery,
  firingAlertsQuery,
  modelDimensionsQuery,
  modelsQuery,
  overviewSeriesQuery,
  slowestQuery,
  verdictBaselines,
} from './features/overview/api.js';
import type { OverviewSearch } from './features/overview/search.js';
import {
  servicesQuery,
  traceGpusQuery,
  traceQuery,
  traceSearchQuery,
} from './features/traces/api.js';
import { buildWaterfall, gpuSpanOf, type TraceFilters } from './features/traces/prepare.js';
import { setProject } from './lib/api-client.js';
import type { RangeSearch } from './lib/search.js';
import { signedIn } from './lib/session.js';

// Route loaders start a page's API calls as soon as the session check has answered, while
// the page's own code is still on its way (it is a separate chunk): the calls no longer wait
// for the chunk, and the chunk no longer waits for the calls. Each prefetch uses the very
// options the page's hooks use, so the page finds the answers (or the requests in flight) in
// the cache. Nothing here blocks navigation: a loader returns at once.

/** What a page's preload is given: the query client and the route's validated search. */
type Preload<S> = (qc: QueryClient, search: S) => Promise<unknown> | undefined;

/**
 * A route loader that runs `preload` once the browser is known to be signed in (a signed-out
 * visit asks nothing but the session check, then goes to sign-in).
 */
export function preloading<S extends RangeSearch>(preload: Preload<S>) {
  return ({ context, deps }: { context: { queryClient: QueryClient }; deps: S }) => {
    // The cache keys hash the project (query-client.ts): set it before the first prefetch,
    // as the layout does before the page renders.
    setProject(deps.project);
    void signedIn(context.queryClient).then((yes) => {
      if (yes) return Promise.resolve(preload(context.queryClient, deps)).catch(() => {});
    });
  };
}

/**
 * Overview: every panel's call, then the drift verdicts of the models with a default baseline.
 * The first chart needs the models (the page shows nothing else until they answer) and the
 * series, so those go first: the embedded engine runs one read at a time and the browser
 * sends at most six requests at once, so the calls are answered about in the order sent.
 */
export const preloadOverview: Preload<RangeSearch & OverviewSearch> = async (qc, s) => {
  const models = qc.fetchQuery(modelsQuery(s));
  void qc.prefetchQuery(overviewSeriesQuery(s, s.split));
  const baselines = qc.fetchQuery(baselinesQuery);
  void qc.prefetchQuery(firingAlertsQuery(s));
  void qc.prefetchQuery(gpusQuery(s));
  void qc.prefetchQuery(hostsQuery(s));
  void qc.prefetchQuery(changesQuery(s));
  void qc.prefetchQuery(slowestQuery(s, 10));
  const [m, b] = await Promise.all([models, baselines]);
  const wanted = verdictBaselines(
    b,
    m.models.map((x) => x.model),
  );
  await Promise.all(wanted.map((x) => qc.prefetchQuery(driftVerdictsQuery(s, x.id))));
};

/** Models: the list and its sparklines. */
export const preloadModels: Preload<RangeSearch> = (qc, s) =>
  Promise.all([qc.prefetchQuery(modelsQuery(s)), qc.prefetchQuery(modelSparklinesQuery(s))]);

/** One model: its figures and its series by version (or variant). */
export const preloadModel: Preload<
  RangeSearch & { model: string; groupBy?: 'version' | 'variant' }
> = (qc, s) =>
  Promise.all([
    qc.prefetchQuery(modelsQuery(s)),
    qc.prefetchQuery(modelSeriesQuery(s, s.model, s.groupBy ?? 'version')),
  ]);

/**
 * Compare: the two arms with significance (the API picks the model's drift baseline unless
 * the URL names one) and, beside it, the baseline list that names the one used.
 */
export const preloadCompare: Preload<
  RangeSearch & { model: string; a?: string; b?: string; baseline?: string }
> = async (qc, s) => {
  if (!s.a || !s.b) return;
  await Promise.all([
    qc.prefetchQuery(compareQuery(s, s.model, s.a, s.b, s.baseline)),
    qc.prefetchQuery(baselinesQuery),
  ]);
};

/** Traces: the service choices and the first page of results. */
export const preloadTraces: Preload<RangeSearch & TraceFilters> = (qc, s) =>
  Promise.all([qc.prefetchQuery(servicesQuery(s)), qc.prefetchInfiniteQuery(traceSearchQuery(s))]);

/** One trace: its spans, then the GPUs of the host of the inference span shown. */
export const preloadTrace: Preload<RangeSearch & { id: string; span?: string }> = async (qc, s) => {
  const trace = traceQuery(s.id);
  if (!trace.enabled) return;
  const w = buildWaterfall((await qc.fetchQuery(trace)).spans);
  const span = gpuSpanOf(w, s.span);
  if (span) await qc.prefetchQuery(traceGpusQuery(s.id, Date.parse(span.startTime), true));
};

/** Infrastructure: hosts, GPUs and the per-GPU series (as the page asks for them). */
export const preloadInfrastructure: Preload<
  RangeSearch & { host?: string; gpu?: string; model?: string }
> = (qc, s) => {
  const filter = { host: s.host, gpu: s.gpu };
  const metrics = [
    'hw.gpu.utilization',
    'hw.gpu.memory.usage',
    'hw.temperature',
    'hw.power',
    'aiobs.gpu.throttle.active',
  ];
  // In the order the page draws them (answers come about in the order sent: see the
  // Overview's): the models only fill the overlay's model picker, at the bottom.
  return Promise.all([
    qc.prefetchQuery(hostsQuery(s)),
    qc.prefetchQuery(gpusQuery(s, s.host)),
    ...metrics.map((m) => qc.prefetchQuery(gpuSeriesQuery(s, m, filter))),
    qc.prefetchQuery(gpuSeriesQuery(s, 'hw.gpu.utilization', { host: s.host })),
    qc.prefetchQuery(modelDimensionsQuery(s)),
  ]);
};

/** Drift: models and baselines, then the chosen model's drift and score series. */
export const preloadDrift: Preload<RangeSearch & { model?: string; baseline?: string }> = async (
  qc,
  s,
) => {
  const [models, baselines] = await Promise.all([
    qc.fetchQuery(modelDimensionsQuery(s)),
    qc.fetchQuery(baselinesQuery),
  ]);
  const { model, baseline: ref } = driftSelection(models, baselines, s.model, s.baseline);
  if (!model) return;
  // The series first: the page's first chart; the feature table's call costs more.
  await Promise.all([
    // Without a baseline too: the chart then reads against the window before the range.
    qc.prefetchQuery(driftSeriesQuery(s, model, ref?.id)),
    qc.prefetchQuery(driftQuery(s, model, ref?.id, true)),
  ]);
};

/** Alerts: every list on the page. */
export const preloadAlerts: Preload<RangeSearch> = (qc, s) =>
  Promise.all(alertListQueries(s).map((q) => qc.prefetchQuery(q)));
