import type { ReactNode } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.js';
import { ApiError } from '../../../lib/api-client.js';

/** The parts of a TanStack query a section needs. */
interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: T;
  refetch: () => unknown;
}

/**
 * A section's loading, error and data states in one place. A 403 or 404 is not an outage: it
 * says which role is needed instead of offering a retry that cannot help.
 */
export function QuerySection<T>({
  query,
  needs,
  children,
}: {
  query: QueryLike<T>;
  /** What the caller lacks when the API says 403/404, e.g. "the owner role in “shop”". */
  needs?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading height={120} />;
  if (query.isError) {
    const e = query.error;
    if (needs && e instanceof ApiError && (e.status === 403 || e.status === 404))
      return (
        <Empty title="Not available with these credentials">
          <p>
            This needs {needs}. {e.message}
          </p>
        </Empty>
      );
    return <ErrorState error={e} retry={() => query.refetch()} />;
  }
  return <>{children(query.data as T)}</>;
}

/** A failed change, said in a sentence next to the form that made it. */
export function MutationError({ error }: { error: unknown }) {
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? `${error.message}${error.field ? ` (${error.field})` : ''}`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
