import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import { UnauthorizedError } from '../errors.js';
import type { TlsFiles } from '../http-server.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { receiveExport } from '../ingest/receive-export.js';
import type { Logger } from '../logger.js';
import { encodeExportResponse, type Signal } from '../otlp/http.js';
import { type Admission, createAdmission } from './admission.js';
import { listenGrpc } from './listener.js';
import { exportService } from './services.js';
import { encodeRetryStatus, grpcFailure } from './status.js';

/** Dependencies of the OTLP/gRPC receiver: the same ones as the HTTP receiver's. */
export interface GrpcReceiverDeps {
  config: Pick<Config, 'maxBodyBytes' | 'maxConnections' | 'headersTimeoutSeconds'>;
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
 * `host:port` (0 picks a free port). A call is authenticated and admitted from its
 * metadata before its message is read (`createAdmission`), then goes through the same
 * write path as OTLP/HTTP (`receiveExport`: write budget, decode limits, commit before the
 * answer); the message size limit is `--max-body-bytes`, applied by grpc-js to the message
 * after gzip decompression too; `--max-connections` caps its connections and a connection
 * that sends nothing within `--headers-timeout` is closed.
 *
 * @throws Error naming the address when it cannot be bound (e.g. the port is taken)
 */
export async function startGrpcReceiver(
  deps: GrpcReceiverDeps,
  host: string,
  port: number,
): Promise<GrpcReceiver> {
  const admission = createAdmission({
    authenticator: deps.authenticator,
    ingestor: deps.ingestor,
    refuse: (err) => refusal(err, deps.log),
  });
  const server = new Server({
    'grpc.max_receive_message_length': deps.config.maxBodyBytes,
    interceptors: [admission.interceptor],
  });
  for (const signal of ['traces', 'metrics', 'logs'] as const)
    server.addService(exportService(signal), {
      Export: exportHandler(signal, deps, admission),
    });
  const credentials = deps.tls
    ? ServerCredentials.createSsl(null, [{ cert_chain: deps.tls.cert, private_key: deps.tls.key }])
    : ServerCredentials.createInsecure();
  const listener = await listenGrpc(
    server,
    credentials,
    {
      host,
      port,
      maxConnections: deps.config.maxConnections,
      silentTimeoutMs: deps.config.headersTimeoutSeconds * 1000,
    },
    deps.log,
  );
  let closing: Promise<void> | undefined;
  return {
    port: listener.port,
    close(forceAfterMs) {
      closing ??= Promise.all([listener.close(forceAfterMs), shutdown(server, forceAfterMs)]).then(
        () => undefined,
      );
      return closing;
    },
  };
}

/** GOAWAY to every open connection: calls in flight finish; cancelled after `forceAfterMs`. */
function shutdown(server: Server, forceAfterMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const forced = setTimeout(() => server.forceShutdown(), forceAfterMs);
    server.tryShutdown(() => {
      clearTimeout(forced);
      resolve();
    });
  });
}

type ExportCall = ServerUnaryCall<Buffer, Buffer>;

/** The unary handler of one signal; grpc-js calls it with the message already read. */
function exportHandler(signal: Signal, deps: GrpcReceiverDeps, admission: Admission) {
  return function otlpGrpcExport(call: ExportCall, callback: sendUnaryData<Buffer>): void {
    exportOne(signal, call, deps, admission).then(
      (response) => callback(null, response),
      (err: unknown) => callback(refusal(err, deps.log, signal)),
    );
  };
}

/** Runs the shared write path on the message of an admitted call. */
async function exportOne(
  signal: Signal,
  call: ExportCall,
  deps: GrpcReceiverDeps,
  admission: Admission,
) {
  const principal = admission.principalOf(call.metadata);
  if (!principal) throw new UnauthorizedError('invalid credentials');
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

/**
 * The status a failed call is answered with (see `grpcFailure`), with the retry delay in
 * `grpc-status-details-bin`; collector faults are logged as errors, refusals at debug.
 */
function refusal(err: unknown, log: Logger, signal?: Signal) {
  const failure = grpcFailure(err);
  const context = { signal, code: failure.code, message: failure.message };
  if (failure.internal) log.error({ err: causeOf(err), ...context }, 'OTLP/gRPC export failed');
  else log.debug(context, 'OTLP/gRPC export refused');
  const metadata = new Metadata();
  if (failure.retryAfterSeconds !== undefined)
    metadata.set(
      'grpc-status-details-bin',
      encodeRetryStatus(failure.code, failure.message, failure.retryAfterSeconds),
    );
  return { code: failure.code, details: failure.message, metadata };
}

function causeOf(err: unknown): unknown {
  return err instanceof Error && err.cause !== undefined ? err.cause : err;
}
