import type { Hono } from 'hono';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Db } from '../../storage/db.js';
import type { Engine } from '../../storage/engine.js';
import type { Notifier } from '../contract.js';
import { createChannelsRepo } from './channels-repo.js';
import { channelRoutes } from './channels-routes.js';
import { createInboxRepo } from './inbox-repo.js';
import { createMaintenanceRepo } from './maintenance-repo.js';
import { maintenanceRoutes, silenceRoutes } from './mute-routes.js';
import { notifyWrites } from './notify-writes.js';
import { createOutboxRepo } from './outbox-repo.js';
import type { Backoff } from './retry.js';
import type { Resolver } from './safe-fetch.js';
import { createSender } from './sender.js';
import { createSilencesRepo } from './silences-repo.js';
import { createWorker } from './worker.js';

/** What {@link createDelivery} needs; `backoff`, `tickMs`, `cacheMs` and `resolve` are for tests. */
export interface DeliveryDeps {
  engine: Engine;
  db: Db;
  config: Pick<Config, 'publicUrl' | 'webhookAllowHosts' | 'webhookTimeoutSeconds'>;
  log: Logger;
  backoff?: Backoff;
  tickMs?: number;
  cacheMs?: number;
  resolve?: Resolver;
}

/**
 * Routes mounted into the authenticated API, whatever its context variables: delivery's
 * handlers read none, and naming the API's env type would import from the routes layer.
 */
// biome-ignore lint/suspicious/noExplicitAny: the mounting app's Env, unknown from this layer
export type MountedRoutes = Hono<any>;

/** The delivery half of alerting: the notifier, its routes, and its worker's lifecycle. */
export interface Delivery {
  /** Takes the lifecycle's notifications into the persisted inbox. */
  notifier: Notifier;
  /** Mounted at `/api/v1/channels`. */
  channels: MountedRoutes;
  /** Mounted at `/api/v1/silences`. */
  silences: MountedRoutes;
  /** Mounted at `/api/v1/maintenance-windows`. */
  maintenance: MountedRoutes;
  /** Ids of the project's channels, for refusing a rule that names an unknown one. */
  channelIds(project: string): Promise<ReadonlySet<string>>;
  /** Starts the worker (routing, grouping, webhooks); it first resumes what the tables hold. */
  start(): void;
  /** Stops the worker after the tick in progress. */
  close(): Promise<void>;
}

/**
 * Wires delivery: channels, silences and maintenance windows (routes and repositories), the
 * inbox the {@link Notifier} writes, and the worker that routes, groups, signs and sends.
 *
 * @example
 * const delivery = createDelivery({ engine, db, config, log });
 * api.route('/channels', delivery.channels);
 * delivery.start();
 * await delivery.notifier.enqueue(notifications);
 */
export function createDelivery(deps: DeliveryDeps): Delivery {
  const { engine, db, config, log } = deps;
  const channels = createChannelsRepo(engine, db);
  const outbox = createOutboxRepo(engine, db);
  const silences = createSilencesRepo(engine, db);
  const maintenance = createMaintenanceRepo(engine, db);
  const stopping = new AbortController();
  const send = createSender({
    outbox,
    channels,
    log,
    allowHosts: config.webhookAllowHosts ?? [],
    timeoutMs: config.webhookTimeoutSeconds * 1000,
    backoff: deps.backoff,
    resolve: deps.resolve,
    signal: stopping.signal,
  });
  const worker = createWorker({
    inbox: createInboxRepo(engine, db),
    outbox,
    channels,
    silences,
    maintenance,
    send,
    log,
    publicUrl: config.publicUrl,
    tickMs: deps.tickMs,
    cacheMs: deps.cacheMs,
  });
  // Writes through this collector's routes take effect in its worker at once; another
  // collector's worker sees them when its cache expires (1 s).
  const forget = (project: string) => worker.forget(project);
  return {
    notifier: { enqueue: (ns) => worker.enqueue(ns) },
    channels: channelRoutes({
      repo: notifyWrites(channels, ['create', 'update', 'remove'], forget),
      outbox,
      sendNow: (d) => worker.sendNow(d),
      publicUrl: config.publicUrl,
    }),
    silences: silenceRoutes(notifyWrites(silences, ['create', 'expire'], forget)),
    maintenance: maintenanceRoutes(
      notifyWrites(maintenance, ['create', 'update', 'remove'], forget),
    ),
    channelIds: async (project) => new Set((await channels.list(project)).map((c) => c.id)),
    start: () => worker.start(),
    close: () => {
      stopping.abort();
      return worker.close();
    },
  };
}
