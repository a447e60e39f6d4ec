import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  retainSearchParams,
} from '@tanstack/react-router';
import { Layout } from './components/layout.js';
import { validateOverviewSearch } from './features/overview/search.js';
import { sectionOf } from './features/settings/prepare.js';
import { SignInPage } from './features/sign-in/index.js';
import { validateTraceFilters, validateTraceViewSearch } from './features/traces/prepare.js';
import {
  optionalParam,
  validateCompareSearch,
  validateDriftSearch,
  validateInfraSearch,
  validateModelSearch,
  validateRangeSearch,
} from './lib/search.js';
import {
  preloadAlerts,
  preloadCompare,
  preloadDrift,
  preloadInfrastructure,
  preloading,
  preloadModel,
  preloadModels,
  preloadOverview,
  preloadTrace,
  preloadTraces,
} from './preload.js';

// Routes are thin: they validate the URL's search params and hand them to a feature page.
// Pages with charts load as separate chunks, so sign-in does not wait for recharts; each
// route's loader starts the page's API calls while its chunk loads (preload.ts).
const OverviewPage = lazyRouteComponent(
  () => import('./features/overview/index.js'),
  'OverviewPage',
);
const ModelsPage = lazyRouteComponent(() => import('./features/models/index.js'), 'ModelsPage');
const ModelPage = lazyRouteComponent(() => import('./features/models/model-page.js'), 'ModelPage');
const ComparePage = lazyRouteComponent(
  () => import('./features/models/compare-page.js'),
  'ComparePage',
);

const TracesPage = lazyRouteComponent(() => import('./features/traces/index.js'), 'TracesPage');
const TracePage = lazyRouteComponent(() => import('./features/traces/trace-page.js'), 'TracePage');

const InfrastructurePage = lazyRouteComponent(
  () => import('./features/infrastructure/index.js'),
  'InfrastructurePage',
);

const DriftPage = lazyRouteComponent(() => import('./features/drift/index.js'), 'DriftPage');

const AlertsPage = lazyRouteComponent(() => import('./features/alerts/index.js'), 'AlertsPage');

const SettingsPage = lazyRouteComponent(
  () => import('./features/settings/index.js'),
  'SettingsPage',
);

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (raw: Record<string, unknown>) => ({ redirect: optionalParam(raw.redirect) }),
  component: function SignInRoute() {
    const { redirect } = signInRoute.useSearch();
    return <SignInPage redirect={redirect} />;
  },
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  validateSearch: validateRangeSearch,
  // The project stays across every link and navigation that does not set it, so a page that
  // builds its search from the range alone does not drop back to the default project.
  search: { middlewares: [retainSearchParams(['project'])] },
  component: Layout,
});

const overviewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  validateSearch: validateOverviewSearch,
  loaderDeps: ({ search }) => search,
  loader: preloading(preloadOverview),
  component: function OverviewRoute() {
    const { split } = overviewRoute.useSearch();
    return <OverviewPage split={split} />;
  },
});

const modelsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/models',
  loaderDeps: ({ search }) => search,
  loader: preloading(preloadModels),
  component: ModelsPage,
});

const modelRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/models/view',
  validateSearch: validateModelSearch,
  loaderDeps: ({ search }) => search,
  loader: preloading(preloadModel),
  component: function ModelRoute() {
    const { model, groupBy } = modelRoute.useSearch();
    return <ModelPage key={model} model={model} groupBy={groupBy ?? 'version'} />;
  },
});

const compareRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/models/compare',
  validateSearch: validateCompareSearch,
  loaderDeps: ({ search }) => search,
  loader: preloading(preloadCompare),
  component: function CompareRoute() {
    const { model, a, b, baseline } = compareRoute.useSearch();
    return <ComparePage model={model} a={a} b={b} baseline={baseline} />;
  },
});

const tracesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/traces',
  validateSearch: validateTraceFilters,
  loaderDeps: ({ search }) => search,
  loader: preloading(preloadTraces),
  component: function TracesRoute() {
    return <TracesPage filters={tracesRoute.useSearch()} />;
  },
});

const traceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/traces/view',
  // The search the trace was opened from rides along, so the way back keeps its filters.
  validateSearch: validateTraceViewSearch,
  loaderDeps: ({ search }) => search,
  loader: preloading(preloadTrace),
  component: function TraceRoute() {
    const { id, span, ...filters } = traceRoute.useSearch();
    return (
      <TracePage key={id} traceId={id} spanId={span} filters={validateTraceFilters(filters)} />
    );
  },
});

const infrastructureRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/infrastructure',
  validateSearch: validateInfraSearch,
  loaderDeps: ({ search }) => search,
  loader: preloading(preloadInfrastructure),
  component: function InfrastructureRoute() {
    const { host, gpu, model } = infrastructureRoute.useSearch();
    return <InfrastructurePage host={host} gpu={gpu} model={model} />;
  },
});

const driftRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/drift',
  validateSearch: validateDriftSearch,
  loaderDeps: ({ search }) => search,
  loader: preloading(preloadDrift),
  component: function DriftRoute() {
    const s = driftRoute.useSearch();
    return <DriftPage model={s.model} baseline={s.baseline} feature={s.feature} kind={s.kind} />;
  },
});

const alertsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/alerts',
  // `rule`: the rule open in the form (/alerts?rule=<id>, the overview's firing alerts link it).
  validateSearch: (raw: Record<string, unknown>): { rule?: string } => ({
    rule: optionalParam(raw.rule),
  }),
  // Opening a rule changes none of the page's lists: the loader does not run again for it.
  loaderDeps: ({ search: { rule: _rule, ...range } }) => range,
  loader: preloading(preloadAlerts),
  component: function AlertsRoute() {
    const { rule } = alertsRoute.useSearch();
    return <AlertsPage rule={rule} />;
  },
});

const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  validateSearch: (raw: Record<string, unknown>): { tab?: string } => ({
    tab: optionalParam(raw.tab),
  }),
  component: function SettingsRoute() {
    const { tab } = settingsRoute.useSearch();
    return <SettingsPage tab={sectionOf(tab)} />;
  },
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  appRoute.addChildren([
    overviewRoute,
    modelsRoute,
    modelRoute,
    compareRoute,
    tracesRoute,
    traceRoute,
    infrastructureRoute,
    driftRoute,
    alertsRoute,
    settingsRoute,
  ]),
]);

/** The dashboard's router; loaders prefetch into `queryClient`, the cache the pages read. */
export function createAppRouter(queryClient: QueryClient) {
  return createRouter({ routeTree, context: { queryClient }, defaultPreload: false });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
