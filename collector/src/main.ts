#!/usr/bin/env node
import { serve } from '@hono/node-server';
import { Command, Option } from 'commander';
import { createApp } from './app.js';
import { Authenticator } from './auth/authenticator.js';
import { ensureCredentials } from './auth/bootstrap.js';
import { ConfigError, loadConfig, OPTIONS } from './config.js';
import { Ingestor } from './ingest/ingestor.js';
import { createLogger } from './logger.js';
import { createAuthRepo } from './storage/auth-repo.js';
import { openEngine } from './storage/engine.js';
import { migrate } from './storage/migrate.js';
import { VERSION } from './version.js';

/** Builds the CLI from the option list, so `--help` always shows every setting. */
function cli(): Command {
  const program = new Command('aiobs-collector')
    .description(
      'OTLP/HTTP receiver (/v1/traces, /v1/metrics, /v1/logs), query API (/api/v1) and ' +
        'dashboard on one port, storing telemetry in ClickHouse (embedded by default).',
    )
    .version(VERSION)
    .showHelpAfterError();
  for (const o of OPTIONS) {
    const def = o.schema.safeParse(undefined);
    const shown =
      def.success && def.data !== undefined && def.data !== false ? ` (default: ${def.data})` : '';
    program.addOption(new Option(o.flag, `${o.help}${shown} [env ${o.env}]`));
  }
  program.addHelpText(
    'after',
    '\nFlags override environment variables. Without CLICKHOUSE_URL the collector runs ClickHouse\n' +
      'in-process (chDB) under --data-dir. Docs: README.md and docs/api.md.',
  );
  return program;
}

async function main(): Promise<void> {
  const program = cli().parse();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(program.opts(), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`aiobs-collector: ${err.message}\n`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  const engine = await openEngine(config);
  await migrate(engine, { retentionDays: config.retentionDays, fsync: config.fsync }, log);
  const repo = createAuthRepo(engine);
  await ensureCredentials(config, repo, log, (text) => process.stderr.write(`${text}\n`));
  const authenticator = new Authenticator(repo);
  const ingestor = new Ingestor(engine, config, log);
  const lifecycle = { stopping: false };
  const app = createApp({ config, engine, ingestor, authenticator, log, lifecycle });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info(
      {
        port: info.port,
        host: config.host,
        storage: engine.kind,
        dataDir: engine.kind === 'embedded' ? config.dataDir : undefined,
      },
      'listening',
    );
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'cannot listen');
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycle.stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight batches');
    // Storage that stopped answering must not keep the process alive forever; what was
    // not committed was not acknowledged, so clients retry it elsewhere.
    setTimeout(() => {
      log.error('shutdown did not finish within 60 s; exiting with unacknowledged batches');
      process.exit(1);
    }, 60_000).unref();
    const closed = new Promise<void>((r) => server.close(() => r()));
    // Requests already in flight finish (their rows are flushed and acknowledged);
    // new ones are refused with 503 until the listener is gone.
    await ingestor.close();
    const http = server as unknown as { closeIdleConnections(): void; closeAllConnections(): void };
    http.closeIdleConnections();
    const forced = setTimeout(() => http.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(forced);
    await engine.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `aiobs-collector: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
