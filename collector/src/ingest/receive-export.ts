import type { Principal } from '../auth/authenticator.js';
import { OverloadError, UnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OtlpEncoding, Signal } from '../otlp/http.js';
import { DecodeOutcome } from '../otlp/outcome.js';
import type { Ingestor } from './ingestor.js';
import type { Reservation } from './write-budget.js';

/** One authenticated OTLP export request, as either receiver (HTTP or gRPC) sees it. */
export interface ExportRequest {
  readonly signal: Signal;
  readonly encoding: OtlpEncoding;
  readonly principal: Principal;
  /**
   * Produces the (decompressed) body, charging the bytes it holds to `reservation` as they
   * arrive (`reservation.ensure(bytes)` throws `SaturatedError` when the budget is full,
   * `MemoryBoundError` at the memory bound).
   */
  read(reservation: Reservation): Promise<Uint8Array>;
}

/**
 * The one OTLP write path both receivers call: admission (the write budget), reading the
 * body inside a reservation of that budget, decoding into the batches (decoded-size and
 * attribute limits), and waiting for the engine to commit the rows. It resolves with the
 * outcome (for `partial_success`) only after the commit, so an acknowledged export is
 * durable; it throws the same errors for both transports, which map them to a status.
 *
 * @throws SaturatedError (503) when the write path is full or shutting down, MemoryBoundError
 *   (503) at the memory bound
 * @throws PayloadTooLargeError / DecodedTooLargeError (413), OtlpDecodeError (400)
 * @throws UnavailableError (503) when the engine did not accept the rows
 */
export async function receiveExport(
  ingestor: Ingestor,
  log: Logger,
  request: ExportRequest,
): Promise<DecodeOutcome> {
  const t0 = performance.now();
  const { signal } = request;
  const refusal = ingestor.admit();
  if (refusal) throw refusal;
  const storageWait = ingestor.storage.retryAfterSeconds();
  if (storageWait > 0) {
    ingestor.refused++;
    throw new UnavailableError('storage is failing inserts; retry later', storageWait);
  }
  // The body counts against the write path's memory budget from its first byte until
  // its rows are in the batches (then they count as pending) or it is refused.
  const reservation = ingestor.reserve();
  const outcome = new DecodeOutcome();
  let body: Uint8Array;
  let committed: Promise<unknown>;
  let t1 = 0;
  try {
    body = await request.read(reservation);
    t1 = performance.now();
    // In a turn (ingest/decode-turns.ts), not in the callback that read the body's end;
    // wrapped, so that the turn hands the commit back instead of waiting for it.
    const read = body;
    const turn = await ingestor.turns.run(() => ({
      committed: ingestor.ingest(
        signal,
        request.encoding,
        read,
        request.principal,
        outcome,
        reservation,
      ),
    }));
    committed = turn.committed;
  } catch (err) {
    if (err instanceof OverloadError) ingestor.refused++;
    throw err;
  } finally {
    reservation.release();
  }
  const t2 = performance.now();
  await committed.catch((err: unknown) => {
    const wait = Math.max(1, ingestor.storage.retryAfterSeconds());
    throw new UnavailableError('storage did not accept the write; retry later', wait, err);
  });
  if (log.isLevelEnabled('trace')) {
    const commitMs = performance.now() - t2;
    const timing = { readMs: t1 - t0, decodeMs: t2 - t1, commitMs };
    log.trace({ signal, bytes: body.length, records: outcome.accepted, ...timing }, 'export');
  }
  return outcome;
}
