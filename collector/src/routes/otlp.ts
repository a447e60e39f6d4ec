import { Hono } from 'hono';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import { UnavailableError } from '../errors.js';
import type { Ingestor } from '../ingest/ingestor.js';
import type { Logger } from '../logger.js';
import { type AppEnv, requireAuth } from '../middleware/auth.js';
import { SaturatedError } from '../otlp/errors.js';
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
      const t0 = performance.now();
      const encoding = encodingOf(c.req.header('content-type'));
      if (ingestor.saturated()) {
        ingestor.refused++;
        throw new SaturatedError();
      }
      // The body counts against the write path's memory budget from its first byte until
      // its rows are in the batches (then they count as pending) or it is refused.
      const reservation = ingestor.reserve();
      const outcome = new DecodeOutcome();
      let body: Uint8Array;
      let committed: Promise<unknown>;
      let t1 = 0;
      try {
        body = await readBody(
          c.req.raw.body,
          c.req.header('content-encoding'),
          c.req.header('content-length'),
          config.maxBodyBytes,
          (bytes) => reservation.ensure(bytes),
        );
        t1 = performance.now();
        committed = ingestor.ingest(
          signal as Signal,
          encoding,
          body,
          c.get('principal'),
          outcome,
          reservation,
        );
      } catch (err) {
        if (err instanceof SaturatedError) ingestor.refused++;
        throw err;
      } finally {
        reservation.release();
      }
      const t2 = performance.now();
      await committed.catch((err: unknown) => {
        throw new UnavailableError('storage did not accept the write; retry later', 5, err);
      });
      if (log.isLevelEnabled('trace')) {
        const commitMs = performance.now() - t2;
        const timing = { readMs: t1 - t0, decodeMs: t2 - t1, commitMs };
        log.trace({ signal, bytes: body.length, records: outcome.accepted, ...timing }, 'export');
      }
      const out = encodeExportResponse(signal, encoding, outcome);
      return c.body(out as never, 200, {
        'content-type': encoding === 'json' ? JSON_TYPE : PROTOBUF_TYPE,
      });
    });
  }
  return app;
}
