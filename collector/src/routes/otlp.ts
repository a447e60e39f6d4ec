import { Hono } from 'hono';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import { UnavailableError } from '../errors.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { type AppEnv, requireAuth } from '../middleware/auth.js';
import {
  encodeExportResponse,
  encodingOf,
  JSON_TYPE,
  PROTOBUF_TYPE,
  readBody,
  type Signal,
} from '../otlp/http.js';
import { DecodeOutcome } from '../otlp/outcome.js';

/** Dependencies of the OTLP receiver. */
export interface OtlpRouteDeps {
  config: Config;
  ingestor: Ingestor;
  authenticator: Authenticator;
}

/**
 * OTLP/HTTP receiver: `POST /v1/traces`, `/v1/metrics`, `/v1/logs` in protobuf or JSON.
 * A request is answered 200 only after the engine has committed its rows.
 */
export function otlpRoutes({ config, ingestor, authenticator }: OtlpRouteDeps) {
  const app = new Hono<AppEnv>();
  app.use('*', requireAuth(authenticator, 'ingest'));
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    app.post(`/${signal}`, async function otlpExport(c) {
      const encoding = encodingOf(c.req.header('content-type'));
      if (ingestor.saturated()) {
        ingestor.refused++;
        throw new UnavailableError('the write path is saturated; retry later', 1);
      }
      const body = await readBody(
        c.req.raw.body,
        c.req.header('content-encoding'),
        c.req.header('content-length'),
        config.maxBodyBytes,
      );
      const outcome = new DecodeOutcome();
      const committed = ingestor.ingest(
        signal as Signal,
        encoding,
        body,
        c.get('principal'),
        outcome,
      );
      await committed.catch((err: unknown) => {
        throw new UnavailableError('storage did not accept the write; retry later', 5, err);
      });
      const out = encodeExportResponse(signal, encoding, outcome);
      return c.body(out as never, 200, {
        'content-type': encoding === 'json' ? JSON_TYPE : PROTOBUF_TYPE,
      });
    });
  }
  return app;
}
