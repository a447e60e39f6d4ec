import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { createSecureContext } from 'node:tls';
import type { HttpBindings } from '@hono/node-server';
import { getRequestListener } from '@hono/node-server';
import { type Config, ConfigError } from './config.js';
import type { Logger } from './logger.js';

/** PEM certificate chain and key read from `--tls-cert` / `--tls-key`. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads and checks the TLS files named in the config, or returns `undefined` for plain HTTP.
 * Runs before anything else starts, so a wrong path or a key that does not match its
 * certificate stops the process with a message that names the file.
 *
 * @throws ConfigError when a file is unreadable or the pair is not a valid PEM cert and key
 */
export function readTlsFiles(config: Pick<Config, 'tlsCert' | 'tlsKey'>): TlsFiles | undefined {
  if (!config.tlsCert || !config.tlsKey) return undefined;
  const read = (path: string, flag: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(`${flag} ${path}: cannot read (${(err as Error).message})`);
    }
  };
  const files = { cert: read(config.tlsCert, '--tls-cert'), key: read(config.tlsKey, '--tls-key') };
  try {
    // Parses both and checks that the key belongs to the certificate.
    createSecureContext(files);
  } catch (err) {
    throw new ConfigError(
      `--tls-cert ${config.tlsCert} / --tls-key ${config.tlsKey}: not a usable PEM certificate and key (${(err as Error).message})`,
    );
  }
  return files;
}

/** The server `createNodeServer` returns: HTTP/1.1, over TLS when configured. */
export type NodeServer = http.Server | https.Server;

type HygieneConfig = Pick<
  Config,
  'headersTimeoutSeconds' | 'requestTimeoutSeconds' | 'keepAliveTimeoutSeconds' | 'maxConnections'
>;

/**
 * Node HTTP server options that bound how long a client may hold a connection without
 * finishing its request: `headersTimeout` cuts a client that trickles headers (slow loris),
 * `requestTimeout` one that trickles its body (Node's default would wait 300 s). Both answer
 * 408 and close the socket.
 */
export function hygieneOptions(config: HygieneConfig): http.ServerOptions {
  const headersTimeout = config.headersTimeoutSeconds * 1000;
  const requestTimeout = config.requestTimeoutSeconds * 1000;
  return {
    headersTimeout,
    requestTimeout,
    // Node checks the two timeouts only this often (default 30 s): check often enough that
    // the configured limits hold to within a second.
    connectionsCheckingInterval: Math.min(1000, headersTimeout / 2),
  };
}

/**
 * Creates the collector's HTTP or HTTPS server for a fetch handler, with the connection
 * limits from the config. Connections over `--max-connections` are closed by Node as they
 * arrive; they are logged at most once per 10 s with a count. A body the handler answered
 * without reading (a 503 while the write path is full, a 401, a 413) is read and thrown away
 * after the answer (`discardUnreadBody`), so the client reads the answer instead of a reset.
 *
 * @example
 * const server = createNodeServer(app.fetch, config, readTlsFiles(config), log);
 * server.listen(config.port, config.host);
 */
export function createNodeServer(
  fetch: (req: Request, env: HttpBindings) => Response | Promise<Response>,
  config: HygieneConfig & Pick<Config, 'host' | 'maxBodyBytes'>,
  tls: TlsFiles | undefined,
  log: Logger,
): NodeServer {
  const options = hygieneOptions(config);
  const limit = config.maxBodyBytes;
  const listener = getRequestListener(
    async function fetchThenDiscard(req, env): Promise<Response> {
      // This server is HTTP/1.1 (http or https), never HTTP/2.
      const bindings = env as HttpBindings;
      const { incoming, outgoing } = bindings;
      // A body stream cancelled by its reader destroys the request and drops its socket.
      const socket = incoming.socket;
      try {
        return await fetch(req, bindings);
      } finally {
        // The handler is done with the body: what it did not read is thrown away here.
        discardUnreadBody(incoming, outgoing, socket, limit);
      }
    },
    {
      hostname: config.host,
      // @hono/node-server's own clean-up reads an unread body for only 500 ms after the
      // answer and then closes the socket: a client still sending its body (slowly, on a
      // starved machine) then meets ECONNRESET/EPIPE instead of the 503 and its Retry-After.
      autoCleanupIncoming: false,
    },
  );
  const server: NodeServer = tls
    ? https.createServer(
        // A client that opens TLS and stalls the handshake is a slow loris too.
        { ...options, ...tls, handshakeTimeout: options.headersTimeout },
        listener,
      )
    : http.createServer(options, listener);
  server.keepAliveTimeout = config.keepAliveTimeoutSeconds * 1000;
  server.maxConnections = config.maxConnections;
  let dropped = 0;
  let lastLog = 0;
  server.on('drop', () => {
    dropped++;
    const now = Date.now();
    if (now - lastLog < 10_000) return;
    log.warn(
      { dropped, maxConnections: config.maxConnections },
      'connections refused: --max-connections reached',
    );
    dropped = 0;
    lastLog = now;
  });
  return server;
}

/**
 * Reads and throws away the rest of a request body the handler did not read, so that the
 * connection reaches the end of the request: the client, which may still be sending, then
 * reads the answer (a 503 with Retry-After) and may send its next request on the same
 * connection. Nothing is buffered. Bounded in size by `limit` (`--max-body-bytes`, the most
 * a request may send anyway): a body declared larger is not read at all and one that turns
 * out larger is cut, both by closing the connection once the answer is written. Bounded in
 * time by `--request-timeout`, which Node applies to the whole request, answered or not.
 * A body whose reader cancelled it (and so destroyed the request) cannot be read on: its
 * connection is closed once the answer is written.
 *
 * @returns the bytes it may still read, at most `limit` (0: nothing left to read)
 */
export function discardUnreadBody(
  incoming: http.IncomingMessage,
  outgoing: http.ServerResponse,
  socket: Duplex | null,
  limit: number,
): number {
  if (incoming.complete || !socket || socket.destroyed) return 0;
  const closeAfterAnswer = () => {
    // After the answer is handed to the socket, so that the client has it first.
    if (outgoing.writableFinished) socket.destroy();
    else outgoing.once('finish', () => socket.destroy());
  };
  const declared = Number(incoming.headers['content-length']);
  if (incoming.destroyed || declared > limit) {
    closeAfterAnswer();
    return 0;
  }
  // A reader that gave up (the web stream adapter of a body cut short by a 413 or 503)
  // would pause the stream again and queue what is thrown away (Node's own dump does this).
  incoming.removeAllListeners('data');
  let bytes = 0;
  incoming.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limit) {
      incoming.removeAllListeners('data');
      incoming.pause();
      closeAfterAnswer();
    }
  });
  incoming.resume();
  return limit;
}

/**
 * Whether `err` is a request body that stopped arriving because its connection closed: the
 * client went away, or Node cut it off at `requestTimeout`. Hono surfaces it as the body
 * stream's error, wrapped or not. `incoming` (the Node request, `c.env.incoming`) must be
 * destroyed too, so a reset from a ClickHouse server is never mistaken for one.
 */
export function isClientAbort(
  err: unknown,
  incoming: { destroyed?: boolean } | undefined,
): boolean {
  if (incoming?.destroyed !== true) return false;
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  }
  return false;
}
