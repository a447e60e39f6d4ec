#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, OPTIONS } from './config.js';
import { createLogger } from './logger.js';
import { startCollector } from './server.js';
import { StartupError } from './startup.js';
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

/**
 * The parsed flags keyed by option key. Commander names a value after its flag
 * (`--query-timeout` → `queryTimeout`), which is not always the key (`queryTimeoutSeconds`).
 */
function flagValues(program: Command): Record<string, unknown> {
  const parsed = program.opts();
  return Object.fromEntries(
    OPTIONS.map((o) => [o.key, parsed[new Option(o.flag).attributeName()]]),
  );
}

/** The command: parse the CLI, start the collector, drain it on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const program = cli().parse();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(flagValues(program), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`aiobs-collector: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  let collector: Awaited<ReturnType<typeof startCollector>> | undefined;
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    // Still starting: nothing was acknowledged yet, so stop at once as the signal's default
    // action would (128 + signal number, as a shell reports a process ended by it).
    if (!collector) process.exit(signal === 'SIGINT' ? 130 : 143);
    // Storage that stopped answering must not keep the process alive forever; what was
    // not committed was not acknowledged, so clients retry it elsewhere.
    setTimeout(() => {
      logger.error('shutdown did not finish within 60 s; exiting with unacknowledged batches');
      process.exit(1);
    }, 60_000).unref();
    await collector.close();
    process.exit(0);
  };
  // Before the start: it logs `listening` before it returns, and a SIGTERM sent on that line
  // (a supervisor or script stopping a collector it just started) found no handler yet and
  // ended the process by the signal, undrained.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  try {
    collector = await startCollector(config, { log: logger });
  } catch (err) {
    // Unreadable TLS files, a taken port or data dir: one line the user can act on, as above.
    if (err instanceof ConfigError || err instanceof StartupError) {
      process.stderr.write(`aiobs-collector: ${err.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'cannot start');
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `aiobs-collector: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
