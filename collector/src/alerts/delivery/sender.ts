import type { Logger } from '../../logger.js';
import type { ChannelsRepo } from './channels-repo.js';
import type { Delivery, OutboxRepo } from './outbox-repo.js';
import { type Backoff, classifyAttempt, DEFAULT_BACKOFF, retryDelayMs } from './retry.js';
import { type PostResult, type Resolver, safePost } from './safe-fetch.js';
import { webhookHeaders } from './sign.js';

/** A delivery is given up (status `failed`) when it is still failing this long after it was made. */
export const MAX_DELIVERY_AGE_MS = 24 * 3_600_000;

/** The result of one attempt, as `POST /channels/:id/test` reports it. */
export interface AttemptReport {
  deliveryId: string;
  /** The delivery's state after the attempt. */
  status: Delivery['status'];
  attempt: number;
  httpStatus?: number;
  error?: string;
  /** Set when the target was refused before any connection (SSRF policy). */
  refused?: string;
  /** When the next attempt is due, for a pending delivery. */
  nextAttemptAt?: string;
  durationMs: number;
}

/** What the sender needs. */
export interface SenderDeps {
  outbox: OutboxRepo;
  channels: ChannelsRepo;
  log: Logger;
  allowHosts: readonly string[];
  timeoutMs: number;
  backoff?: Backoff;
  resolve?: Resolver;
  /** Aborted when the collector stops, so a slow receiver does not hold the shutdown. */
  signal?: AbortSignal;
}

/**
 * Makes one attempt at a delivery: signs it (Standard Webhooks, the delivery id as
 * `webhook-id`), posts it through {@link safePost}, logs the attempt and writes the
 * delivery's next state (delivered, failed, or pending with its next attempt time).
 */
export function createSender(deps: SenderDeps) {
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  return async function attemptDelivery(
    d: Delivery,
  ): Promise<{ next: Delivery; report: AttemptReport }> {
    const started = Date.now();
    const channel = await deps.channels.get(d.project, d.channelId);
    let result: PostResult;
    if (!channel)
      result = { refused: 'the channel was deleted', error: 'the channel was deleted', body: '' };
    else {
      const headers = {
        ...(channel.spec.headers ?? {}),
        ...webhookHeaders(channel.secret, d.id, d.body, started),
      };
      result = await safePost(channel.spec.url, d.body, headers, {
        allowHosts: deps.allowHosts,
        connectTimeoutMs: Math.min(5_000, deps.timeoutMs),
        timeoutMs: deps.timeoutMs,
        resolve: deps.resolve,
        signal: deps.signal,
      });
    }
    const now = Date.now();
    // Stopping: the attempt does not count; the delivery stays pending for the next start.
    if (deps.signal?.aborted)
      return {
        next: d,
        report: {
          deliveryId: d.id,
          status: 'pending',
          attempt: d.attempts,
          error: 'aborted',
          durationMs: now - started,
        },
      };
    const outcome = classifyAttempt(result, now);
    const attempt = d.attempts + 1;
    const error = outcome.kind === 'delivered' ? '' : outcome.reason;
    await deps.outbox.recordAttempt({
      project: d.project,
      channelId: d.channelId,
      deliveryId: d.id,
      atMs: now,
      attempt,
      ok: outcome.kind === 'delivered',
      statusCode: result.status ?? 0,
      error,
      durationMs: now - started,
    });
    let next: Delivery;
    if (outcome.kind === 'delivered')
      next = { ...d, attempts: attempt, status: 'delivered', lastError: '' };
    else if (outcome.kind === 'failed' || now - d.createdMs > MAX_DELIVERY_AGE_MS)
      next = { ...d, attempts: attempt, status: 'failed', lastError: error };
    else
      next = {
        ...d,
        attempts: attempt,
        status: 'pending',
        lastError: error,
        nextAttemptMs: now + retryDelayMs(attempt, backoff, outcome.retryAfterMs),
      };
    await deps.outbox.put(next);
    if (next.status === 'failed')
      deps.log.warn(
        { deliveryId: d.id, channelId: d.channelId, attempt, error },
        'webhook delivery failed for good',
      );
    else if (next.status === 'pending')
      deps.log.debug(
        { deliveryId: d.id, channelId: d.channelId, attempt, error },
        'webhook delivery will be retried',
      );
    return {
      next,
      report: {
        deliveryId: d.id,
        status: next.status,
        attempt,
        ...(result.status !== undefined ? { httpStatus: result.status } : {}),
        ...(error ? { error } : {}),
        ...(result.refused ? { refused: result.refused } : {}),
        ...(next.status === 'pending'
          ? { nextAttemptAt: new Date(next.nextAttemptMs).toISOString() }
          : {}),
        durationMs: now - started,
      },
    };
  };
}

/** Attempts one delivery and writes its next state. */
export type Sender = ReturnType<typeof createSender>;
