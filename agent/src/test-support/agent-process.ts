/**
 * Test support: runs `aiobs-agent` as a child process (the way operators run it) and lets a
 * test await its JSON log lines, so suites wait on what the agent reports, not on sleeps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The CLI launcher in this package. */
export const AGENT_BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'aiobs-agent.js');

/** One parsed log line of the agent. */
export type LogLine = { level: string; msg: string } & Record<string, unknown>;

/** A running agent process. */
export interface AgentProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  /** Non-JSON stderr/stdout text. */
  readonly text: () => string;
  /** Resolves with the first (or `count`-th) log line matching, waiting as long as needed up to `timeoutMs`. */
  waitForLog(match: (l: LogLine) => boolean, timeoutMs?: number, count?: number): Promise<LogLine>;
  /** Sends a signal (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

/** Starts `aiobs-agent <args>` with `env`. */
export function startAgent(args: readonly string[], env: NodeJS.ProcessEnv): AgentProcess {
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=1', '--no-memory-reducer', AGENT_BIN, ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: LogLine[] = [];
  let text = '';
  const waiters: {
    match: (l: LogLine) => boolean;
    count: number;
    seen: number;
    resolve: (l: LogLine) => void;
  }[] = [];
  const onLine = (line: string) => {
    let parsed: LogLine | undefined;
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && 'msg' in v) parsed = v as LogLine;
    } catch {
      // plain text
    }
    if (!parsed) {
      text += `${line}\n`;
      return;
    }
    logs.push(parsed);
    for (const w of [...waiters]) {
      if (w.match(parsed) && ++w.seen >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return {
    child,
    logs,
    text: () => text,
    exited,
    waitForLog(match, timeoutMs = 30_000, count = 1) {
      const already = logs.filter(match);
      if (already.length >= count) return Promise.resolve(already[count - 1]!);
      return new Promise((res, rej) => {
        const w = { match, count, seen: already.length, resolve: res };
        waiters.push(w);
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          rej(
            new Error(
              `agent did not log the expected line within ${timeoutMs} ms; last lines:\n${logs
                .slice(-8)
                .map((l) => JSON.stringify(l))
                .join('\n')}\n${text.slice(-500)}`,
            ),
          );
        }, timeoutMs);
        void exited.then(() => {
          setTimeout(() => {
            if (!waiters.includes(w)) return;
            clearTimeout(t);
            waiters.splice(waiters.indexOf(w), 1);
            rej(new Error(`agent exited before logging the expected line:\n${text.slice(-1000)}`));
          }, 50);
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
