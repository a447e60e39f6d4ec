/**
 * The isolation walk's requests, generated from the app's route table so that a route added
 * later is walked without editing the test. Pure: what to call, and what an answer may not
 * contain.
 */

/** One entry of Hono's `app.routes`. */
export interface RouteEntry {
  method: string;
  path: string;
}

/** How a request names its project. */
export type Variant = 'project=B' | 'project=A' | 'no project';

/** One request of the walk. */
export interface WalkRequest {
  method: string;
  /** The route as registered, e.g. `/api/v1/alert-rules/:id`. */
  route: string;
  /** Path and query, params filled. */
  url: string;
  variant: Variant;
  /** JSON body (writes only). */
  body?: string;
}

/**
 * Routes the walk skips, and why: health answers everyone and holds no project's data;
 * login exchanges a credential for a session (it takes no project and answers nothing of
 * one); logout ends the caller's own session.
 */
export const SKIPPED_ROUTES: ReadonlySet<string> = new Set([
  '/api/v1/health',
  '/api/v1/auth/login',
  '/api/v1/auth/logout',
]);

/**
 * Whether the walk calls `path`: the API (/api/v1), the Prometheus endpoints (/metrics,
 * /metrics/inference: one project's figures for read tokens) and Grafana's ClickHouse
 * interface (/clickhouse: SQL under a project filter). Not OTLP ingest (/v1, where a key
 * writes only into its own project) nor the dashboard's static files.
 */
function walked(path: string): boolean {
  return (
    path.startsWith('/api/v1/') ||
    ['/metrics', '/clickhouse'].some((p) => path === p || path.startsWith(`${p}/`))
  );
}

/** The routes of a route table the walk calls: every method and path, middleware left out. */
export function apiRoutes(routes: readonly RouteEntry[]): RouteEntry[] {
  const seen = new Set<string>();
  const out: RouteEntry[] = [];
  for (const r of routes) {
    if (!walked(r.path) || SKIPPED_ROUTES.has(r.path)) continue;
    // `use()` middleware is registered as ALL on a wildcard; a real `all()` route is walked
    // with every method below.
    if (r.method === 'ALL' && r.path.endsWith('*')) continue;
    const methods = r.method === 'ALL' ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] : [r.method];
    for (const method of methods) {
      const key = `${method} ${r.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ method, path: r.path });
    }
  }
  return out;
}

/**
 * Values for path params: by `<segment before it>/:<name>` first (`alert-rules/:id` is a
 * rule id, `projects/:id` a project id), then by `:<name>`, then `fallback`.
 */
export type ParamValues = Readonly<Record<string, string>>;

/** Fills each `:param` of `path` (and a trailing wildcard) from `values`. */
export function fillPath(path: string, values: ParamValues, fallback: string): string {
  const parts = path.split('/');
  return parts
    .map((part, i) => {
      if (part === '*') return encodeURIComponent(fallback);
      if (!part.startsWith(':')) return part;
      // Hono params may carry a pattern (`:id{[0-9]+}`) or be optional (`:id?`).
      const name = part
        .slice(1)
        .replace(/\{.*\}$/, '')
        .replace(/\?$/, '');
      const value = values[`${parts[i - 1]}/:${name}`] ?? values[`:${name}`] ?? fallback;
      return encodeURIComponent(value);
    })
    .join('/');
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every request of the walk: each route, with `?project=B`, with `?project=A` (and B's ids
 * still in the path and body) and with no project; each once bare and once with query
 * filters naming B's values (so routes that need a model, metric or range reach data).
 */
export function walkRequests(
  routes: readonly RouteEntry[],
  values: ParamValues,
  fallback: string,
  filters: Readonly<Record<string, string>>,
  body: unknown,
): WalkRequest[] {
  const out: WalkRequest[] = [];
  const variants: [Variant, string | undefined][] = [
    ['project=B', 'B'],
    ['project=A', 'A'],
    ['no project', undefined],
  ];
  for (const r of apiRoutes(routes)) {
    const path = fillPath(r.path, values, fallback);
    for (const [variant, project] of variants) {
      for (const withFilters of [false, true]) {
        const q = new URLSearchParams(withFilters ? filters : {});
        if (project !== undefined) q.set('project', project);
        const qs = q.toString();
        out.push({
          method: r.method,
          route: r.path,
          url: qs ? `${path}?${qs}` : path,
          variant,
          ...(WRITES.has(r.method) ? { body: JSON.stringify(body) } : {}),
        });
      }
    }
  }
  return out;
}

/**
 * The secrets `answer` holds that the request did not carry: an error may echo an id it
 * was sent, but nothing else of B's may reach A's credentials.
 */
export function leakedSecrets(
  answer: string,
  request: WalkRequest,
  secrets: readonly string[],
): string[] {
  const sent = `${decodeURIComponent(request.url)}\n${request.body ?? ''}`;
  return secrets.filter((s) => answer.includes(s) && !sent.includes(s));
}
