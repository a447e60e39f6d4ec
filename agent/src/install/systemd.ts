import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What `aiobs-agent install` writes. */
export interface InstallPlan {
  readonly unitPath: string;
  readonly unit: string;
  readonly envPath: string;
  readonly env: string;
  /** Commands run with `--enable`. */
  readonly enableCommands: readonly (readonly string[])[];
}

/** Inputs of {@link planInstall}. */
export interface InstallOptions {
  readonly collectorUrl: string;
  readonly apiKey: string;
  readonly interval?: string;
  readonly hostName?: string;
  /** Absolute path of the node binary and of this CLI, for ExecStart. */
  readonly nodePath: string;
  readonly cliPath: string;
  /** Install under this directory instead of `/` (packaging, tests). */
  readonly root?: string;
  readonly unitName?: string;
}

/** Node flags the agent runs with: a small young generation keeps RSS well under budget. */
export const NODE_FLAGS = ['--max-semi-space-size=1', '--no-memory-reducer'] as const;

/** Unit name unless told otherwise. */
export const UNIT_NAME = 'aiobs-agent';

/**
 * One word of an `ExecStart=` line, quoted per systemd.service(5) "Command lines": `%` is a
 * specifier in every word, so it is doubled; `$` starts an environment variable in the
 * arguments (doubled there) but not in the executable's path, which systemd uses as written.
 * A word with whitespace, quotes or backslashes goes in double quotes, where `\\` and `\"`
 * are the C-style escapes systemd undoes. Control characters cannot be written safely and
 * are refused.
 */
export function quoteExecWord(word: string, { executable = false } = {}): string {
  if (word === '' || /[\u0000-\u001f\u007f]/.test(word))
    throw new Error(`cannot put ${JSON.stringify(word)} on a systemd command line`);
  const percent = word.replace(/%/g, '%%');
  const escaped = executable ? percent : percent.replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_./:@+=,%$-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * A path as the value of a setting like `EnvironmentFile=`: systemd takes the rest of the
 * line as the path (spaces included, no quoting) after expanding `%` specifiers, so only `%`
 * is escaped. Trailing whitespace would be trimmed, a trailing backslash continues the line
 * and control characters end it: all are refused.
 */
export function quotePathSetting(path: string): string {
  if (!path.startsWith('/') || /[\u0000-\u001f\u007f]/.test(path) || /[\s\\]$/.test(path))
    throw new Error(`cannot use ${JSON.stringify(path)} as a systemd path setting`);
  return path.replace(/%/g, '%%');
}

/**
 * Renders the systemd unit. Runs as root so nvidia-smi can read every process, hardened
 * otherwise: read-only system, private /tmp, state (the disk buffer) in
 * /var/lib/aiobs-agent via StateDirectory. KillMode=mixed: SIGTERM lets the agent flush and
 * stop its nvidia-smi children, SIGKILL cleans up what is left after TimeoutStopSec.
 * Paths are quoted per systemd's rules, so a node or package path with spaces still works.
 */
export function renderUnit(o: { nodePath: string; cliPath: string; envPath: string }): string {
  const exec = [
    quoteExecWord(o.nodePath, { executable: true }),
    ...[...NODE_FLAGS, o.cliPath, 'run'].map((w) => quoteExecWord(w)),
  ].join(' ');
  return `[Unit]
Description=aiobs agent: host and GPU metrics over OTLP
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
EnvironmentFile=${quotePathSetting(o.envPath)}
Environment=AIOBS_AGENT_STATE_DIR=/var/lib/aiobs-agent
ExecStart=${exec}
Restart=always
RestartSec=5
KillMode=mixed
TimeoutStopSec=30
StateDirectory=aiobs-agent
StateDirectoryMode=0700
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
MemoryMax=256M
Nice=5

[Install]
WantedBy=multi-user.target
`;
}

/** systemd EnvironmentFile value: quoted when it holds anything beyond a safe character set. */
function envValue(v: string): string {
  if (/[\r\n]/.test(v)) throw new Error('values cannot contain newlines');
  return /^[A-Za-z0-9_./:@%+=,-]*$/.test(v) ? v : `"${v.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** Renders the environment file (mode 0600: it holds the ingest key). */
export function renderEnv(
  o: Pick<InstallOptions, 'collectorUrl' | 'apiKey' | 'interval' | 'hostName'>,
): string {
  const lines = [
    '# aiobs-agent settings, read by the systemd unit. Holds the ingest key: keep it 0600.',
    `AIOBS_COLLECTOR_URL=${envValue(o.collectorUrl)}`,
    `AIOBS_API_KEY=${envValue(o.apiKey)}`,
    `AIOBS_AGENT_INTERVAL=${envValue(o.interval ?? '10s')}`,
  ];
  if (o.hostName) lines.push(`AIOBS_HOST_NAME=${envValue(o.hostName)}`);
  return `${lines.join('\n')}\n`;
}

/** Computes the files and commands of an install (pure). */
export function planInstall(o: InstallOptions): InstallPlan {
  const root = o.root ?? '/';
  const name = o.unitName ?? UNIT_NAME;
  const envPathOnHost = `/etc/aiobs-agent/${name}.env`;
  return {
    unitPath: join(root, 'etc', 'systemd', 'system', `${name}.service`),
    unit: renderUnit({ nodePath: o.nodePath, cliPath: o.cliPath, envPath: envPathOnHost }),
    envPath: join(root, envPathOnHost),
    env: renderEnv(o),
    enableCommands: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', `${name}.service`],
    ],
  };
}

/** Writes the unit (0644) and the env file (0600). */
export function writeInstall(plan: InstallPlan): void {
  mkdirSync(dirname(plan.unitPath), { recursive: true });
  writeFileSync(plan.unitPath, plan.unit, { mode: 0o644 });
  mkdirSync(dirname(plan.envPath), { recursive: true, mode: 0o755 });
  // Remove first: writeFile keeps the mode of an existing file.
  rmSync(plan.envPath, { force: true });
  writeFileSync(plan.envPath, plan.env, { mode: 0o600 });
}

/** Runs the enable commands; throws with systemctl's output when one fails. */
export function runCommands(cmds: readonly (readonly string[])[]): void {
  for (const [cmd, ...args] of cmds) {
    if (!cmd) continue;
    execFileSync(cmd, args, { stdio: 'inherit' });
  }
}

/** Files and commands of an uninstall. */
export interface UninstallPlan {
  readonly remove: readonly string[];
  readonly commands: readonly (readonly string[])[];
}

/** Computes an uninstall: stop and disable the unit, remove unit and env file (and state with purge). */
export function planUninstall(o: {
  root?: string;
  unitName?: string;
  purge?: boolean;
}): UninstallPlan {
  const root = o.root ?? '/';
  const name = o.unitName ?? UNIT_NAME;
  const remove = [
    join(root, 'etc', 'systemd', 'system', `${name}.service`),
    join(root, 'etc', 'aiobs-agent', `${name}.env`),
  ];
  if (o.purge) remove.push(join(root, 'var', 'lib', 'aiobs-agent'));
  return {
    remove,
    commands: [
      ['systemctl', 'disable', '--now', `${name}.service`],
      ['systemctl', 'daemon-reload'],
    ],
  };
}

/** Removes the files of an uninstall plan that exist; returns those removed. */
export function applyUninstall(plan: UninstallPlan): string[] {
  const removed: string[] = [];
  for (const p of plan.remove) {
    if (!existsSync(p)) continue;
    rmSync(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}
