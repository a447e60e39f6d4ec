#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  collectOnce,
  createAgent,
  createCollectors,
  gpuStatus,
  resourceAttributes,
} from './agent.js';
import { ConfigError, loadConfig, type RunFlags, resolveApiKey } from './config/config.js';
import { parseDuration } from './config/parse-units.js';
import { checkServiceCode } from './install/exec-paths.js';
import {
  applyUninstall,
  planInstall,
  planUninstall,
  runCommands,
  writeInstall,
} from './install/systemd.js';
import { createLogger } from './logger.js';
import { AGENT_VERSION } from './version.js';

const program = new Command('aiobs-agent')
  .description('aiobs host agent: host and GPU metrics over OTLP/HTTP to an aiobs collector')
  .version(AGENT_VERSION)
  .showHelpAfterError();

function durationArg(v: string): string {
  if (parseDuration(v) === undefined)
    throw new InvalidArgumentError('expected a duration: 10s, 500ms, 1m or seconds');
  return v;
}

const collectorOpt = () =>
  new Option(
    '--collector <url>',
    'collector base URL (AIOBS_COLLECTOR_URL, OTEL_EXPORTER_OTLP_ENDPOINT; default http://127.0.0.1:4318)',
  );
const apiKeyOpt = () =>
  new Option(
    '--api-key <key>',
    "ingest key (AIOBS_API_KEY; default: the local collector's <data-dir>/credentials.json); visible in ps and shell history: prefer --api-key-file or the env var",
  );
const apiKeyFileOpt = () =>
  new Option(
    '--api-key-file <path>',
    'read the ingest key from the first line of this file (AIOBS_API_KEY_FILE)',
  );
const intervalOpt = () =>
  new Option(
    '--interval <duration>',
    'collection interval: 10s, 500ms, 1m or seconds (AIOBS_AGENT_INTERVAL; default 10s)',
  ).argParser(durationArg);
const hostNameOpt = () =>
  new Option(
    '--host-name <name>',
    'host.name resource attribute (AIOBS_HOST_NAME; default: the OS hostname)',
  );
const dataDirOpt = () =>
  new Option(
    '--data-dir <dir>',
    'local collector data dir holding credentials.json (AIOBS_DATA_DIR; default ./.aiobs-data)',
  );

program
  .command('run')
  .description(
    'collect host and GPU metrics every interval and export them until stopped (SIGTERM flushes)',
  )
  .addOption(collectorOpt())
  .addOption(apiKeyOpt())
  .addOption(apiKeyFileOpt())
  .addOption(intervalOpt())
  .addOption(
    new Option(
      '--export-interval <duration>',
      'send the collections taken meanwhile this often (AIOBS_AGENT_EXPORT_INTERVAL; default: two intervals from 1s up to 5s, else the interval)',
    ).argParser(durationArg),
  )
  .addOption(hostNameOpt())
  .addOption(dataDirOpt())
  .option(
    '--state-dir <dir>',
    'where the disk buffer lives (AIOBS_AGENT_STATE_DIR; default /var/lib/aiobs-agent as root, else ~/.local/state/aiobs-agent)',
  )
  .option(
    '--buffer-max-bytes <size>',
    'disk buffer size limit, e.g. 256MiB (AIOBS_AGENT_BUFFER_MAX_BYTES)',
  )
  .option(
    '--buffer-max-age <duration>',
    'drop buffered data older than this, e.g. 24h (AIOBS_AGENT_BUFFER_MAX_AGE)',
  )
  .addOption(
    new Option(
      '--compression <kind>',
      'request compression (OTEL_EXPORTER_OTLP_COMPRESSION)',
    ).choices(['gzip', 'none']),
  )
  .option(
    '--nvidia-smi <path>',
    'nvidia-smi executable (AIOBS_NVIDIA_SMI; default nvidia-smi on PATH)',
  )
  .option('--no-gpu', 'do not collect GPU metrics')
  .option('--no-gpu-pcie', 'do not run nvidia-smi dmon for PCIe throughput')
  .option('--host-root <dir>', "host's / when running in a container, e.g. /host (AIOBS_HOST_ROOT)")
  .addOption(
    new Option('--log-level <level>', 'log level (AIOBS_LOG_LEVEL)').choices([
      'debug',
      'info',
      'warn',
      'error',
    ]),
  )
  .action(async (flags: RunFlags) => {
    const config = loadConfig(flags);
    const logger = createLogger(config.logLevel);
    const agent = await createAgent(config, logger);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info('stopping: flushing buffered data', { signal });
      const summary = await agent.stop();
      logger.info('stopped', { ...summary });
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    await agent.start();
  });

program
  .command('snapshot')
  .description(
    'take one collection and print it as JSON (host, GPUs, nvidia-smi status), then exit',
  )
  .addOption(hostNameOpt())
  .option('--nvidia-smi <path>', 'nvidia-smi executable (default nvidia-smi on PATH)')
  .option('--no-gpu', 'do not collect GPU metrics')
  .option('--host-root <dir>', "host's / when running in a container, e.g. /host")
  .option('--sample <duration>', 'how long to measure CPU utilization over', durationArg, '1s')
  .action(async (flags: RunFlags & { sample: string }) => {
    const config = loadConfig({ ...flags, interval: flags.sample, logLevel: 'warn' });
    const logger = createLogger('warn');
    const collectors = createCollectors(config, logger, Date.now(), 5000);
    await collectors.host.prime();
    const gpuStarted = collectors.gpu?.start() ?? Promise.resolve();
    await Promise.all([gpuStarted, sleep(config.intervalMs)]);
    await collectors.gpu?.inventoryReady();
    const collection = await collectOnce(collectors, Date.now());
    const gpu = gpuStatus(collectors);
    await collectors.gpu?.stop();
    const out = {
      time: new Date(collection.timeMs).toISOString(),
      resource: resourceAttributes(config),
      gpu,
      metrics: collection.metrics,
    };
    // Exit only once stdout is flushed: on a pipe, writes complete asynchronously.
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => process.exit(0));
  });

program
  .command('install')
  .description(
    'install the agent as a systemd service: writes a unit and an env file holding the key (0600); enables nothing without --enable',
  )
  .addOption(collectorOpt())
  .addOption(apiKeyOpt())
  .addOption(apiKeyFileOpt())
  .addOption(intervalOpt())
  .addOption(hostNameOpt())
  .addOption(dataDirOpt())
  .option('--enable', 'also run systemctl daemon-reload and systemctl enable --now')
  .option('--dry-run', 'print what would be written and run, change nothing')
  .option('--root <dir>', 'write below this directory instead of / (packaging)')
  .action((flags: RunFlags & { enable?: boolean; dryRun?: boolean; root?: string }) => {
    const { apiKey } = resolveApiKey(flags, process.env);
    if (!apiKey)
      throw new ConfigError(
        'no API key: pass --api-key-file <file holding the key> (or set AIOBS_API_KEY)',
      );
    if (flags.enable && flags.root)
      throw new ConfigError('--enable cannot be combined with --root');
    const nodePath = realpathSync(process.execPath);
    const cliPath = realpathSync(fileURLToPath(import.meta.url));
    // The unit runs as root: code that another user can change would run as root too.
    const unsafe = checkServiceCode(nodePath, cliPath);
    if (unsafe)
      throw new ConfigError(
        `refusing to install a root service that runs code other users can change: ${unsafe}.\n` +
          'Install the agent globally as root first, then install the service from there:\n' +
          '  sudo npm install -g @aiobs/agent\n' +
          '  sudo aiobs-agent install --collector <url> --api-key-file <file> --enable\n' +
          "Node.js itself must be root's too (a distribution package or /usr/local, not a user's nvm).",
      );
    const plan = planInstall({
      collectorUrl: flags.collector ?? process.env.AIOBS_COLLECTOR_URL ?? 'http://127.0.0.1:4318',
      apiKey,
      ...(flags.interval ? { interval: flags.interval } : {}),
      ...(flags.hostName ? { hostName: flags.hostName } : {}),
      nodePath,
      cliPath,
      ...(flags.root ? { root: flags.root } : {}),
    });
    if (flags.dryRun) {
      const masked = plan.env.replace(
        /^(AIOBS_API_KEY=).*$/m,
        `$1<${apiKey.length}-character key, hidden>`,
      );
      process.stdout.write(
        `# would write ${plan.unitPath} (mode 0644)\n${plan.unit}\n# would write ${plan.envPath} (mode 0600)\n${masked}\n` +
          (flags.enable
            ? `# would run\n${plan.enableCommands.map((c) => c.join(' ')).join('\n')}\n`
            : '# would enable nothing (pass --enable)\n'),
      );
      return;
    }
    writeInstall(plan);
    process.stdout.write(`wrote ${plan.unitPath}\nwrote ${plan.envPath} (mode 0600)\n`);
    if (flags.enable) runCommands(plan.enableCommands);
    else
      process.stdout.write(
        `not enabled; to start it: ${plan.enableCommands.map((c) => c.join(' ')).join(' && ')}\n`,
      );
  });

program
  .command('uninstall')
  .description('stop and disable the systemd service and remove its unit and env file')
  .option('--dry-run', 'print what would be removed and run, change nothing')
  .option('--root <dir>', 'remove below this directory instead of / (packaging)')
  .option('--purge', 'also remove the disk buffer in /var/lib/aiobs-agent')
  .action((flags: { dryRun?: boolean; root?: string; purge?: boolean }) => {
    const plan = planUninstall(flags);
    const systemctl = flags.root === undefined;
    if (flags.dryRun) {
      process.stdout.write(
        `${systemctl ? `# would run\n${plan.commands.map((c) => c.join(' ')).join('\n')}\n` : ''}# would remove\n${plan.remove.join('\n')}\n`,
      );
      return;
    }
    if (systemctl) {
      try {
        runCommands(plan.commands.slice(0, 1));
      } catch {
        process.stderr.write(
          'systemctl disable failed (not installed as a service?); removing files anyway\n',
        );
      }
    }
    for (const p of applyUninstall(plan)) process.stdout.write(`removed ${p}\n`);
    if (systemctl) {
      try {
        runCommands(plan.commands.slice(1));
      } catch {
        // no systemd here
      }
    }
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`aiobs-agent: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `aiobs-agent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
