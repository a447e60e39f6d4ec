import { spawn } from 'node:child_process';

/** Outcome of {@link runCommand}. */
export interface CommandResult {
  /** Exit code, `null` when killed (timeout) or never started. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command did not finish in time and was killed (with its process group). */
  readonly timedOut: boolean;
  /** The executable was not found (ENOENT). */
  readonly notFound: boolean;
}

/**
 * Runs a command to completion with a hard timeout. The child gets its own process group
 * and the whole group is killed on timeout, so a wedged tool (a hung `nvidia-smi` waiting on
 * the driver) cannot leave stragglers behind. Never rejects.
 *
 * @example
 * const r = await runCommand('nvidia-smi', ['--help-query-gpu'], 5000);
 * if (r.notFound) log.info('no nvidia-smi on PATH');
 */
export function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    const finish = (r: Omit<CommandResult, 'stdout' | 'stderr'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, stdout, stderr });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
      // A process stuck in the kernel (D state) may not even die on SIGKILL: do not wait.
      finish({ code: null, timedOut: true, notFound: false });
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish({ code: null, timedOut: false, notFound: err.code === 'ENOENT' });
    });
    child.on('close', (code) => finish({ code, timedOut, notFound: false }));
  });
}

/** Sends SIGKILL to a process group started with `detached: true`; ignores gone groups. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
