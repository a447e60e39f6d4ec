import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from '../logger.js';

/** The gRPC listener's own socket, with the HTTP listener's connection cap. */
export interface GrpcListener {
  readonly port: number;
  /**
   * Stops accepting connections and resolves once the open ones are closed (the gRPC server
   * drains them); any still open after `forceAfterMs` (one that never finished its TLS or
   * HTTP/2 handshake is not the gRPC server's to close) are destroyed.
   */
  close(forceAfterMs: number): Promise<void>;
}

/**
 * Listens on `host:port` with a plain `net.Server` and hands each connection to `server`
 * (grpc-js `createConnectionInjector`, which does TLS and HTTP/2 with `credentials`). The
 * socket is ours so that `--max-connections` applies to the gRPC port as it does to the
 * HTTP one: grpc-js's own `bindAsync` has no connection cap. Connections over the cap are
 * closed by Node as they arrive, logged at most once per 10 s with a count; connections
 * that send nothing within `silentTimeoutMs` are closed too.
 *
 * @throws the listen error (e.g. EADDRINUSE), its message naming the address
 */
export async function listenGrpc(
  server: Server,
  credentials: ServerCredentials,
  address: { host: string; port: number; maxConnections: number; silentTimeoutMs: number },
  log: Logger,
): Promise<GrpcListener> {
  const injector = server.createConnectionInjector(credentials);
  const sockets = new Set<Socket>();
  const net: NetServer = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A connection that sends nothing at all would hold a slot of the cap forever (grpc-js
    // has no handshake timeout): cut it after `silentTimeoutMs`. Once bytes have arrived the
    // timer is dropped, so an idle HTTP/2 channel between exports is left alone.
    socket.setTimeout(address.silentTimeoutMs, () => {
      // destroy() does not close a socket whose handle the HTTP/2 or TLS layer has taken
      // over; a reset does.
      if (socket.bytesRead === 0) socket.resetAndDestroy();
      else socket.setTimeout(0);
    });
    injector.injectConnection(socket);
  });
  net.maxConnections = address.maxConnections;
  let dropped = 0;
  let lastLog = 0;
  net.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - lastLog < 10_000) return;
    log.warn(
      { dropped, maxConnections: address.maxConnections },
      'OTLP/gRPC connections refused: --max-connections reached',
    );
    dropped = 0;
    lastLog = now;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const where = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
    // The code (EADDRINUSE, EACCES) stays on the error, as on the HTTP listener's.
    net.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        Object.assign(new Error(`cannot listen for OTLP/gRPC on ${where}: ${err.message}`), {
          code: err.code,
        }),
      ),
    );
    net.listen(address.port, address.host, () => {
      net.removeAllListeners('error');
      const bound = net.address();
      resolve(typeof bound === 'object' && bound ? bound.port : address.port);
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    close(forceAfterMs) {
      closing ??= new Promise<void>((resolve) => {
        const forced = setTimeout(() => {
          for (const s of sockets) s.resetAndDestroy();
        }, forceAfterMs);
        net.close(() => {
          clearTimeout(forced);
          resolve();
        });
      });
      return closing;
    },
  };
}
