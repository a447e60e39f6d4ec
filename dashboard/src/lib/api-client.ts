/**
 * The dashboard's one way to the API: same-origin fetch with the session cookie, the CSRF
 * token on state-changing requests, and errors as {@link ApiError}. A 401 sends the browser to
 * sign-in. The CSRF token lives in memory only (never in web storage); after a reload it is
 * fetched again from `GET /api/v1/auth/session`.
 */

/** An answer that was not 2xx, with the API's `{"error": {code, message, field}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;

/** Remembers the CSRF token of the current session (from sign-in or `/auth/session`). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

let project: string | undefined;

/**
 * Sets the project every project-scoped request names (`?project=`, from the URL's
 * `project=`; undefined means the collector's default). The layout sets it before a page
 * renders, and the query cache keys on it (query-client.ts), so switching shows no other
 * project's data.
 */
export function setProject(id: string | undefined): void {
  project = id;
}

/** The project requests name now (undefined: the default project). */
export function currentProject(): string | undefined {
  return project;
}

// Routes that name their project in the path, or none at all: they take no `?project=`.
const UNSCOPED = /^\/(auth|projects|users|health)(\/|\?|$)/;

/** `path` with the current project added where the route reads one from the query. */
export function withProject(path: string, id = project): string {
  if (!id || UNSCOPED.test(path) || /[?&]project=/.test(path)) return path;
  return `${path}${path.includes('?') ? '&' : '?'}project=${encodeURIComponent(id)}`;
}

/** Called on a 401 (set by the router: navigate to sign-in). */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** Query string from an object, leaving out empty values. */
export function toQuery(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Fetches `path` (under `/api/v1`) and parses its JSON.
 *
 * @example
 * const models = await api<ModelsResponse>(`/models${toQuery({ from, to })}`, { signal });
 */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set('x-csrf-token', csrfToken);
  const res = await fetch(`/api/v1${withProject(path)}`, {
    ...init,
    method,
    headers,
    credentials: 'same-origin',
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; field?: string } }
    | undefined;
  if (!res.ok) {
    const e = body?.error;
    if (res.status === 401 && !path.startsWith('/auth/')) onUnauthorized?.();
    throw new ApiError(
      res.status,
      e?.code ?? 'http_error',
      e?.message ?? `${res.status} ${res.statusText}`,
      e?.field,
    );
  }
  return body as T;
}
