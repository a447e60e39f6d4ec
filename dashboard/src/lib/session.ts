import type { LoginResponse, MeResponse } from '@aiobs/api-types';
import { hashKey, type QueryClient, queryOptions } from '@tanstack/react-query';
import { api, setCsrfToken } from './api-client.js';
import { takeEarlySession } from './early-calls.js';

/**
 * The session check (`GET /api/v1/auth/session`): whether the HttpOnly cookie still signs
 * the browser in, and its CSRF token. One cache entry whichever project is shown, kept for
 * the page's life (a 401 from any call sends the browser to sign-in anyway).
 */
export const sessionQuery = queryOptions({
  queryKey: ['session'],
  // The boot script's check when it sent one (the first time only), else a new one. The
  // CSRF token is kept before the answer reaches any component: the layout mounts the page
  // on this answer, and the page's effects (a POST among them) run before the layout's.
  queryFn: ({ signal }) =>
    (
      (takeEarlySession() as Promise<Omit<LoginResponse, 'user'>> | undefined) ??
      api<Omit<LoginResponse, 'user'>>('/auth/session', { signal })
    ).then((res) => {
      setCsrfToken(res.csrfToken);
      return res;
    }),
  queryKeyHashFn: hashKey,
  staleTime: Number.POSITIVE_INFINITY,
});

/**
 * Resolves once the session check has answered yes (true), or no or not at all (false):
 * page data is fetched only for a signed-in browser, so a signed-out visit makes one 401 (the
 * check's) and goes to sign-in.
 */
export function signedIn(queryClient: QueryClient): Promise<boolean> {
  return queryClient.ensureQueryData(sessionQuery).then(
    () => true,
    () => false,
  );
}

/**
 * Who is signed in and the projects they may use (`GET /api/v1/auth/me`): the layout's
 * project switcher, Settings and the Alerts page's write controls share this one entry,
 * whichever project is shown.
 */
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: ({ signal }) => api<MeResponse>('/auth/me', { signal }),
  queryKeyHashFn: hashKey,
  staleTime: 30_000,
  retry: false,
});
