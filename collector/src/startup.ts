import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A reason the collector cannot start that the user can act on: `main.ts` prints its message
 * on one line and exits with status 2, without a stack trace.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Fails fast, before the engine opens and migrates, when `port` is taken: the usual cause is a
 * second `npm start` while one runs. The message says what holds the port.
 *
 * @throws StartupError naming the owner of the port and the flag to pick another
 */
export async function assertPortFree(
  host: string,
  port: number,
  flag = '--port (AIOBS_PORT)',
): Promise<void> {
  if (port === 0) return;
  const taken = await new Promise<boolean>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(true);
      else reject(err);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(false)));
  });
  if (!taken) return;
  const owner = await describePortOwner(port);
  throw new StartupError(
    `port ${port} is already in use by ${owner}; stop it, or choose another port with ${flag}`,
  );
}

/**
 * Names what listens on a local TCP port: another aiobs collector (asked over its health
 * route), else the process found through Linux's /proc, else "another program".
 */
export async function describePortOwner(port: number): Promise<string> {
  const proc = listeningProcess(port);
  const pid = proc ? ` (pid ${proc.pid})` : '';
  const version = await aiobsVersionAt(port);
  if (version !== undefined) {
    return `another aiobs collector ${version}${pid} at http://127.0.0.1:${port}/`;
  }
  return proc ? `pid ${proc.pid} (${proc.command})` : 'another program';
}

/**
 * Why an embedded data dir cannot be opened when another live process holds it: the engine
 * writes `PID: N` into `clickhouse/status` while it runs (a crashed owner leaves the file, but
 * its pid is then dead). Undefined when no other live process holds it, so the caller rethrows
 * the engine's own error.
 */
export function dataDirInUse(dataDir: string): string | undefined {
  let pid: number;
  try {
    const status = readFileSync(join(dataDir, 'clickhouse', 'status'), 'utf8');
    pid = Number(/PID:\s*(\d+)/.exec(status)?.[1]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  return (
    `the data dir ${dataDir} is in use by another aiobs collector (pid ${pid}); ` +
    'stop it, or give this one its own --data-dir (AIOBS_DATA_DIR)'
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The version an aiobs collector on this port reports, or undefined for anything else. */
async function aiobsVersionAt(port: number): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, {
      signal: AbortSignal.timeout(1_000),
    });
    const body = (await res.json()) as { version?: unknown; storage?: unknown };
    return typeof body.version === 'string' && body.storage !== undefined
      ? body.version
      : undefined;
  } catch {
    return undefined;
  }
}

/** The process listening on a TCP port, from /proc (Linux only; undefined elsewhere). */
function listeningProcess(port: number): { pid: number; command: string } | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[1] is local "ADDR:PORT" in hex, cols[3] the state (0A = LISTEN), cols[9] the inode.
      if (cols.length < 10 || cols[3] !== '0A') continue;
      if (Number.parseInt(cols[1]?.split(':')[1] ?? '', 16) === port) inodes.add(cols[9] as string);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1] as string)) {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .join(' ');
        return { pid: Number(pid), command: command.slice(0, 200) || 'unknown command' };
      }
    }
  }
  return undefined;
}
