import { hashKey, QueryClient } from '@tanstack/react-query';
import { ApiError, currentProject } from './api-client.js';

/**
 * Retry and error policy, set once: client errors (4xx) are not retried (they will not
 * change), server and network errors twice with backoff. Data stays fresh for 10 s so
 * switching pages does not refetch everything; refetch on focus keeps a returning operator
 * current. Every key is hashed with the current project, so each project has its own cache.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        queryKeyHashFn: (key) => hashKey([currentProject() ?? '', ...key]),
        retry: (failures, err) =>
          !(err instanceof ApiError && err.status >= 400 && err.status < 500) && failures < 2,
        retryDelay: (n) => Math.min(1000 * 2 ** n, 8000),
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
