import type { MiddlewareHandler } from 'hono';
import type { Ingestor } from '../ingest/ingestor.js';

/** Longest a read waits for answered rows' inserts before it runs anyway. */
export const READ_AFTER_ACK_MAX_WAIT_MS = 5_000;

/** Resolves when a read may run: every request answered before it has been inserted. */
export type ReadBarrier = () => Promise<void>;

/**
 * The barrier reads pass before they run, so that with `--ack-after spool` (answers before
 * the insert) a client that sends and then queries sees its data, as with
 * `--ack-after insert`. It costs nothing when no rows are pending; under load a read waits
 * for at most the group commit's delay plus one insert, and never longer than `maxWaitMs`.
 */
export function readBarrier(
  ingestor: Pick<Ingestor, 'answeredInserted'>,
  maxWaitMs = READ_AFTER_ACK_MAX_WAIT_MS,
): ReadBarrier {
  return () => ingestor.answeredInserted(maxWaitMs);
}

/** Middleware that holds each request at `barrier` (mount it after authentication). */
export function readAfterAck(barrier: ReadBarrier): MiddlewareHandler {
  return async function readAfterAck(_c, next) {
    await barrier();
    await next();
  };
}
