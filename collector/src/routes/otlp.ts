import { Hono } from 'hono';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { receiveExport } from '../ingest/receive-export.js';
import type { Logger } from '../logger.js';
import { type AppEnv, requireAuth } from '../middleware/auth.js';
import {
  encodeExportResponse,
  encodingOf,
  JSON_TYPE,
  PROTOBUF_TYPE,
  readBody,
} from '../otlp/http.js';
import { readIncoming, unreadIncoming } from '../otlp/read-incoming.js';

/** Dependencies of the OTLP receiver. */
export interface OtlpRouteDeps {
  config: Config;
  ingestor: Ingestor;
  authenticator: Authenticator;
  log: Logger;
}

/**
 * OTLP/HTTP receiver: `POST /v1/traces`, `/v1/metrics`, `/v1/logs` in protobuf or JSON.
 * A request is answered 200 only after the engine has committed its rows.
 */
export function otlpRoutes({ config, ingestor, authenticator, log }: OtlpRouteDeps) {
  const app = new Hono<AppEnv>();
  app.use('*', requireAuth(authenticator, 'ingest'));
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    app.post(`/${signal}`, async function otlpExport(c) {
      const encoding = encodingOf(c.req.header('content-type'));
      const outcome = await receiveExport(ingestor, log, {
        signal,
        encoding,
        principal: c.get('principal'),
        read: (reservation) => {
          const contentEncoding = c.req.header('content-encoding');
          const account = (bytes: number) => reservation.ensure(bytes);
          // An uncompressed body straight from Node's stream (otlp/read-incoming.ts).
          const incoming = isIdentity(contentEncoding) ? unreadIncoming(c.env) : undefined;
          if (incoming)
            return readIncoming(
              incoming,
              c.req.header('content-length'),
              config.maxBodyBytes,
              account,
            );
          return readBody(
            c.req.raw.body,
            contentEncoding,
            c.req.header('content-length'),
            config.maxBodyBytes,
            account,
          );
        },
      });
      const out = encodeExportResponse(signal, encoding, outcome);
      return c.body(out as never, 200, {
        'content-type': encoding === 'json' ? JSON_TYPE : PROTOBUF_TYPE,
      });
    });
  }
  return app;
}

/** True when `Content-Encoding` is absent or `identity`: the body is read as it comes. */
function isIdentity(contentEncoding: string | undefined): boolean {
  return contentEncoding === undefined || contentEncoding.trim().toLowerCase() === 'identity';
}
