import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Hono } from 'hono';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AppEnv } from '../middleware/auth.js';
import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { createDelivery } from './delivery/index.js';
import { durationMs } from './duration.js';
import { Evaluator } from './evaluator.js';
import { LeaseKeeper } from './lease.js';
import { alertRoutes, alertRuleRoutes } from './routes.js';
import { createRuleSchema } from './rule-schema.js';
import { createRulesRepo } from './rules-repo.js';
import { createSignalEvaluator } from './signals/index.js';
import { decidesOwnBreach, type Signal, signalSchema } from './signals/schema.js';
import { createStateRepo } from './state-repo.js';

/** Shards the rules are split into for the evaluator leases (more than collectors run). */
export const LEASE_SHARDS = 8;
/** How long a lease lasts unless renewed (renewed every third of it). */
export const LEASE_TTL_MS = 15_000;

/** The alerting module: its routes, and its background work (evaluator, delivery). */
export interface AlertsModule {
  /** `/api/v1/alert-rules`. */
  rules: Hono<AppEnv>;
  /** `/api/v1/alerts`. */
  alerts: Hono<AppEnv>;
  /** `/api/v1/channels`, `/api/v1/silences`, `/api/v1/maintenance-windows` (delivery). */
  channels: Hono<AppEnv>;
  silences: Hono<AppEnv>;
  maintenance: Hono<AppEnv>;
  /** The evaluator's figures and its per-evaluation hook (the collector's self-metrics). */
  evaluator: Pick<Evaluator<Signal>, 'stats' | 'onEvaluation'>;
  /** Starts delivery and the evaluator (after the server listens). */
  start(): void;
  /** Stops the evaluator (its leases are released), then delivery. */
  close(): Promise<void>;
}

/**
 * Composes alerting: the rule lifecycle (this folder), the signals it reads
 * (`signals/`) and delivery (`delivery/`), which it reaches only through the notifier.
 *
 * @example
 * const alerts = createAlertsModule({ engine, db, config, log });
 * api.route('/alert-rules', alerts.rules);
 * alerts.start(); // after listen
 * await alerts.close(); // first thing in the drain
 */
export function createAlertsModule(deps: {
  engine: Engine;
  db: Db;
  config: Config;
  log: Logger;
}): AlertsModule {
  const { engine, db, config, log } = deps;
  const delivery = createDelivery({ engine, db, config, log });
  const signals = createSignalEvaluator();
  const rules = createRulesRepo<Signal>(engine, db);
  const states = createStateRepo(engine, db);
  const lease = new LeaseKeeper(engine, db, {
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    shards: LEASE_SHARDS,
    ttlMs: LEASE_TTL_MS,
  });
  const evaluator = new Evaluator<Signal>({
    db,
    rules,
    states,
    signals,
    notifier: delivery.notifier,
    lease,
    log: log.child({ module: 'alerts' }),
    publicUrl: config.publicUrl,
  });
  const schema = createRuleSchema<Signal>({
    signal: signalSchema,
    decidesOwnBreach: (s) => decidesOwnBreach(s.kind),
    minIntervalMs: durationMs(config.alertEvalMinInterval) ?? 1000,
  });
  const routeDeps = {
    db,
    schema,
    rules,
    states,
    signals,
    evaluator,
    channelIds: delivery.channelIds,
  };
  let started = false;
  return {
    rules: alertRuleRoutes(routeDeps),
    alerts: alertRoutes(routeDeps),
    channels: delivery.channels,
    silences: delivery.silences,
    maintenance: delivery.maintenance,
    evaluator,
    start() {
      if (started) return;
      started = true;
      delivery.start();
      evaluator.start();
    },
    async close() {
      if (!started) return;
      started = false;
      await evaluator.stop();
      await delivery.close();
    },
  };
}
