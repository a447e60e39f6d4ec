import { Hono } from 'hono';
import type { Ingestor } from '../ingest/ingestor.js';
import type { Engine } from '../storage/engine.js';
import { VERSION } from '../version.js';

/**
 * `GET /api/v1/health` (no auth): whether storage answers, and the write path's state.
 * Answers 503 when storage is unreachable so load balancers take the collector out.
 */
export function healthRoutes(engine: Engine, ingestor: Ingestor) {
  const app = new Hono();
  const started = Date.now();
  app.get('/', async function health(c) {
    const t0 = performance.now();
    const ping = await engine.client.ping();
    const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
    const reachable = ping.success;
    return c.json(
      {
        status: reachable ? 'ok' : 'degraded',
        version: VERSION,
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        storage: { kind: engine.kind, reachable, latencyMs },
        ingest: ingestor.stats(),
      },
      reachable ? 200 : 503,
    );
  });
  return app;
}
