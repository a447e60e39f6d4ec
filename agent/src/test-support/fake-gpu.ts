/**
 * Test support: environment that puts the fake `nvidia-smi` and `lspci`
 * (agent/test-fixtures/bin) first on PATH, and helpers to read the fake's invocation log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** agent/test-fixtures, resolved from this file (works from src/ and dist/). */
export const FIXTURES_DIR = resolve(import.meta.dirname, '..', '..', 'test-fixtures');
/** Directory holding the fake `nvidia-smi` and `lspci` executables. */
export const FAKE_BIN = join(FIXTURES_DIR, 'bin');

/** Reads a scenario file (what the fake prints) for expected values in tests. */
export function readScenario(name: string): {
  gpus: Record<string, string>[];
  apps: Record<string, string>[];
} {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'nvidia', `scenario-${name}.json`), 'utf8'));
}

/**
 * Environment for a child or collector using the fake tools.
 * @param scenario h200x8 | workstation | na | nodevice | hang
 */
export function fakeGpuEnv(
  scenario: string,
  extra: Record<string, string> = {},
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return {
    ...base,
    PATH: `${FAKE_BIN}:${base.PATH ?? ''}`,
    AIOBS_FAKE_GPU_SCENARIO: scenario,
    AIOBS_FAKE_NODE: process.execPath,
    ...extra,
  };
}

/** One start of the fake nvidia-smi, from its log (AIOBS_FAKE_SMI_LOG). */
export interface FakeSmiStart {
  pid: number;
  argv: string[];
  time: number;
}

/** Starts recorded in a fake nvidia-smi log file. */
export function readSmiLog(file: string): FakeSmiStart[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FakeSmiStart);
}

/** True while a process exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves once `cond()` holds, checking every `everyMs`; rejects after `timeoutMs`. For
 * waiting on state that another process changes (a restart, a file written), not a sleep.
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
