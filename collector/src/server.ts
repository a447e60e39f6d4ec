import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type AlertsModule, createAlertsModule } from './alerts/index.js';
import { createApp } from './app.js';
import { Authenticator } from './auth/authenticator.js';
import { type CredentialsOutput, ensureCredentials, stderrOutput } from './auth/bootstrap.js';
import type { Config } from './config.js';
import { createConfiguredDriftJob } from './drift/index.js';
import { type GrpcReceiver, startGrpcReceiver } from './grpc/server.js';
import { createNodeServer, type NodeServer, readTlsFiles } from './http-server.js';
import { IngestDedup, RequestWal } from './ingest/dedup/index.js';
import { Ingestor } from './ingest/ingestor.js';
import { MemoryGuard, memoryBound, readCgroupMemoryLimit } from './ingest/memory-bound.js';
import { createLogger, type Logger } from './logger.js';
import { createEngineStatsReader, createStatsWriter } from './observability/index.js';
import { createUsersRepo } from './projects/users-repo.js';
import { assertPortFree, dataDirInUse, StartupError } from './startup.js';
import { createAuthRepo } from './storage/auth-repo.js';
import { createDb, queryLimitsFromConfig } from './storage/db.js';
import { type Engine, openEngine } from './storage/engine.js';
import { migrate } from './storage/migrate.js';

/** What a caller of {@link startCollector} may supply instead of the defaults. */
export interface StartCollectorOptions {
  /** Logger (default: JSON lines on stdout at `config.logLevel`). */
  log?: Logger;
  /** Where generated credentials are shown (default: stderr, only if it is a terminal). */
  credentialsOutput?: CredentialsOutput;
}

/** A collector listening for requests. */
export interface RunningCollector {
  app: ReturnType<typeof createApp>;
  server: NodeServer;
  engine: Engine;
  /** Base URL on loopback, e.g. `http://127.0.0.1:4318` (`https` with `--tls-cert`). */
  url: string;
  /** The port actually bound (differs from `config.port` when that is 0). */
  port: number;
  /** The OTLP/gRPC port actually bound; undefined with `--grpc-port off`. */
  grpcPort: number | undefined;
  /**
   * Stops accepting connections, lets in-flight requests finish and their rows be
   * acknowledged, then closes the engine. Safe to call more than once.
   */
  close(): Promise<void>;
}

/** Connections still open this long after the drain are cut, so `close()` always ends. */
const FORCE_CLOSE_AFTER_MS = 5_000;

/**
 * The one composition root: opens the engine, migrates, ensures credentials, builds the
 * authenticator, ingestor and app, and listens (HTTP, and OTLP/gRPC unless `--grpc-port off`).
 * `main.ts` and tests both start here.
 *
 * @throws ConfigError when the TLS files are unreadable; the listen error when the port is taken
 * @example
 * const c = await startCollector(
 *   loadConfig({ port: 0, grpcPort: 0, host: '127.0.0.1', dataDir }, {}),
 * );
 * await fetch(`${c.url}/api/v1/health`);
 * await c.close();
 */
export async function startCollector(
  config: Config,
  options: StartCollectorOptions = {},
): Promise<RunningCollector> {
  const log = options.log ?? createLogger(config.logLevel);
  // Before the engine opens: a wrong path should fail fast, not after a migration.
  const tls = readTlsFiles(config);
  // Also before the engine: a second `npm start` should say what holds the port, not fail on
  // the data dir's lock after a migration.
  await assertPortFree(config.host, config.port);
  if (typeof config.grpcPort === 'number') {
    await assertPortFree(config.host, config.grpcPort, '--grpc-port (AIOBS_GRPC_PORT)');
  }
  const bound = memoryBound(config.maxRssBytes, config.maxPendingBytes, readCgroupMemoryLimit());
  const engine = await openEngine(config, {
    memoryLimitBytes: bound?.engineBytes,
  }).catch((err: unknown) => {
    const inUse = config.clickhouseUrl ? undefined : dataDirInUse(config.dataDir);
    throw inUse ? new StartupError(inUse) : err;
  });
  let ingestor: Ingestor | undefined;
  let grpc: GrpcReceiver | undefined;
  let alerts: AlertsModule | undefined;
  try {
    await migrate(
      engine,
      {
        retentionDays: config.retentionDays,
        rollupMinuteDays: config.rollupMinuteRetentionDays,
        rollupHourDays: config.rollupHourRetentionDays,
        fsync: config.fsync,
      },
      log,
    );
    const repo = createAuthRepo(engine);
    await ensureCredentials(
      config,
      repo,
      log,
      options.credentialsOutput ?? stderrOutput(),
      createUsersRepo(engine),
    );
    const authenticator = new Authenticator(repo, config);
    // Before listening: spooled inserts of a crashed run complete before any resend arrives.
    const dedup = config.ingestDedup
      ? await IngestDedup.open({
          engine,
          spoolDir: join(config.dataDir, 'ingest-spool'),
          fsync: config.fsync,
          tables: Ingestor.TABLES,
          log,
        })
      : undefined;
    const memory = bound && new MemoryGuard(bound);
    if (bound) {
      const mib = (n: number) => Math.round(n / 2 ** 20);
      log.info(
        {
          maxRssMiB: mib(bound.bytes),
          source: bound.source,
          admitBelowMiB: mib(bound.admitBelow),
          engineMiB: engine.kind === 'embedded' ? mib(bound.engineBytes) : undefined,
        },
        'memory bound',
      );
    }
    // --ack-after spool: requests answered before their insert are written here first.
    const wal =
      dedup && config.ackAfter === 'spool'
        ? new RequestWal(join(config.dataDir, 'ingest-wal'), config.fsync)
        : undefined;
    ingestor = new Ingestor(engine, config, log, dedup, memory, wal);
    // Before listening too: what was answered and not yet stored goes in first.
    await ingestor.replay();
    const lifecycle = { stopping: false };
    alerts = createAlertsModule({
      engine,
      db: createDb(engine, queryLimitsFromConfig(config)),
      config,
      log,
    });
    const app = createApp({ config, engine, ingestor, authenticator, log, lifecycle, alerts });
    const driftJob = createConfiguredDriftJob({ engine, config, log });
    driftJob?.start();
    const statsWriter = createStatsWriter({
      engine,
      ingestor,
      engineStats: createEngineStatsReader(engine),
      evaluator: alerts.evaluator,
      log,
      intervalMs: config.statsIntervalSeconds * 1000,
    });
    statsWriter.start();
    const server = createNodeServer(app.fetch, config, tls, log);
    const turns = ingestor.turns;
    server.on('connection', () => turns.noteArrival());
    const port = await listen(server, config.port, config.host);
    if (config.grpcPort !== 'off') {
      const deps = { config, ingestor, authenticator, log, tls };
      grpc = await startGrpcReceiver(deps, config.host, config.grpcPort).catch((err: unknown) => {
        server.close();
        throw err;
      });
    }
    log.info(
      {
        port,
        grpcPort: grpc?.port,
        host: config.host,
        tls: tls !== undefined,
        storage: engine.kind,
        dataDir: engine.kind === 'embedded' ? config.dataDir : undefined,
      },
      'listening',
    );
    // Rules are evaluated once the collector serves, and stop first in the drain.
    alerts.start();
    const running = ingestor;
    const alerting = alerts;
    let closing: Promise<void> | undefined;
    return {
      app,
      server,
      engine,
      port,
      grpcPort: grpc?.port,
      url: `${tls ? 'https' : 'http'}://${loopbackHost(config.host)}:${port}`,
      close() {
        lifecycle.stopping = true;
        // The drift job first: its run in progress would otherwise meet a closed engine.
        closing ??= Promise.all([driftJob?.stop(), statsWriter.stop()]).then(() =>
          drain(server, grpc, running, alerting, engine, log),
        );
        return closing;
      },
    };
  } catch (err) {
    await alerts?.close().catch(() => undefined);
    await ingestor?.close().catch(() => undefined);
    await engine.close().catch(() => undefined);
    throw err;
  }
}

/** Listens and resolves with the bound port, or rejects with the listen error. */
function listen(server: NodeServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The address a local client uses to reach a server bound to `host`. */
function loopbackHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Drains in this order: stop the alert evaluator and delivery (no new engine work starts
 * and the leases are handed over), stop accepting (HTTP and gRPC), let requests already in flight
 * finish (their rows are flushed and acknowledged; new ones get 503 or UNAVAILABLE until the
 * listeners are gone), close idle keep-alive connections, cut the rest after
 * {@link FORCE_CLOSE_AFTER_MS}, close the engine.
 */
async function drain(
  server: NodeServer,
  grpc: GrpcReceiver | undefined,
  ingestor: Ingestor,
  alerts: AlertsModule,
  engine: Engine,
  log: Logger,
): Promise<void> {
  log.info('shutting down: draining in-flight batches');
  await alerts.close().catch((err: unknown) => log.warn({ err }, 'alerting did not stop cleanly'));
  const closed = new Promise<void>((r) => server.close(() => r()));
  const grpcClosed = grpc?.close(FORCE_CLOSE_AFTER_MS);
  await ingestor.close();
  server.closeIdleConnections();
  const forced = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
  await closed;
  clearTimeout(forced);
  await grpcClosed;
  await engine.close();
  log.info('stopped');
}
