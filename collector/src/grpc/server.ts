import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { TlsFiles } from '../http-server.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { receiveExport } from '../ingest/receive-export.js';
import type { Logger } from '../logger.js';
import { encodeExportResponse, type Signal } from '../otlp/http.js';
import { authenticateCall } from './metadata-auth.js';
import { exportService } from './services.js';
import { encodeRetryStatus, grpcFailure } from './status.js';

/** Dependencies of the OTLP/gRPC receiver: the same ones as the HTTP receiver's. */
export interface GrpcReceiverDeps {
  config: Pick<Config, 'maxBodyBytes'>;
  ingestor: Ingestor;
  authenticator: Authenticator;
  log: Logger;
  /** Serve over TLS with the HTTP listener's certificate (`--tls-cert`/`--tls-key`). */
  tls?: TlsFiles;
}

/** A listening OTLP/gRPC receiver. */
export interface GrpcReceiver {
  /** The port actually bound. */
  readonly port: number;
  /**
   * Stops accepting calls and resolves once the calls in flight are answered (after their
   * rows are committed, or refused while the ingestor closes); calls still open after
   * `forceAfterMs` are cancelled.
   */
  close(forceAfterMs: number): Promise<void>;
}

/**
 * Starts the OTLP/gRPC receiver: the trace, metrics and logs `Export` services on
 * `host:port` (0 picks a free port). Every call goes through the same write path as
 * OTLP/HTTP (`receiveExport`: write budget, decode limits, commit before the answer); the
 * message size limit is `--max-body-bytes`, applied by grpc-js to the message after gzip
 * decompression too.
 *
 * @throws Error naming the address when it cannot be bound (e.g. the port is taken)
 */
export async function startGrpcReceiver(
  deps: GrpcReceiverDeps,
  host: string,
  port: number,
): Promise<GrpcReceiver> {
  const server = new Server({
    'grpc.max_receive_message_length': deps.config.maxBodyBytes,
  });
  for (const signal of ['traces', 'metrics', 'logs'] as const)
    server.addService(exportService(signal), { Export: exportHandler(signal, deps) });
  const credentials = deps.tls
    ? ServerCredentials.createSsl(null, [{ cert_chain: deps.tls.cert, private_key: deps.tls.key }])
    : ServerCredentials.createInsecure();
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (err, p) => {
      if (err) reject(new Error(`cannot listen for OTLP/gRPC on ${address}: ${err.message}`));
      else resolve(p);
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    close(forceAfterMs) {
      closing ??= new Promise<void>((resolve) => {
        const forced = setTimeout(() => server.forceShutdown(), forceAfterMs);
        server.tryShutdown(() => {
          clearTimeout(forced);
          resolve();
        });
      });
      return closing;
    },
  };
}

type ExportCall = ServerUnaryCall<Buffer, Buffer>;

/** The unary handler of one signal; grpc-js calls it with the message already read. */
function exportHandler(signal: Signal, deps: GrpcReceiverDeps) {
  const { log } = deps;
  return function otlpGrpcExport(call: ExportCall, callback: sendUnaryData<Buffer>): void {
    exportOne(signal, call, deps).then(
      (response) => callback(null, response),
      (err: unknown) => {
        const failure = grpcFailure(err);
        const context = { signal, code: failure.code, message: failure.message };
        if (failure.internal)
          log.error({ err: causeOf(err), ...context }, 'OTLP/gRPC export failed');
        else log.debug(context, 'OTLP/gRPC export refused');
        const metadata = new Metadata();
        if (failure.retryAfterSeconds !== undefined)
          metadata.set(
            'grpc-status-details-bin',
            encodeRetryStatus(failure.code, failure.message, failure.retryAfterSeconds),
          );
        callback({ code: failure.code, details: failure.message, metadata });
      },
    );
  };
}

/** Authenticates the call, then runs the shared write path on its message. */
async function exportOne(signal: Signal, call: ExportCall, deps: GrpcReceiverDeps) {
  const principal = await authenticateCall(deps.authenticator, call.metadata, call.getPeer());
  const body = call.request;
  const outcome = await receiveExport(deps.ingestor, deps.log, {
    signal,
    encoding: 'protobuf',
    principal,
    // grpc-js has read (and inflated) the whole message: charge all of it at once.
    read: async (reservation) => {
      reservation.ensure(body.length);
      return body;
    },
  });
  const out = encodeExportResponse(signal, 'protobuf', outcome) as Uint8Array;
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function causeOf(err: unknown): unknown {
  return err instanceof Error && err.cause !== undefined ? err.cause : err;
}
