import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import {
  fakeGpuEnv,
  isAlive,
  readScenario,
  readSmiLog,
  waitFor,
} from '../test-support/fake-gpu.js';
import { createGpuCollector, type GpuCollector } from './gpu-collector.js';

let dir: string;
let logFile: string;
let logs: string[];
let collector: GpuCollector | undefined;
const starts = { agentStartMs: Date.now(), bootMs: Date.now() - 1e6 };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-gpu-'));
  logFile = join(dir, 'smi.log');
  logs = [];
});
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function make(scenario: string, extra: Record<string, string> = {}, intervalMs = 200, more = {}) {
  collector = createGpuCollector({
    nvidiaSmi: 'nvidia-smi',
    intervalMs,
    logger: createLogger('debug', (l) => logs.push(l)),
    commandTimeoutMs: 3000,
    retryMs: 60_000,
    inventory: false,
    starts,
    env: fakeGpuEnv(scenario, { AIOBS_FAKE_SMI_LOG: logFile, ...extra }),
    ...more,
  });
  return collector;
}

describe('createGpuCollector with the fake nvidia-smi', () => {
  it('discovers 8 GPUs and samples them from long-lived loop processes', async () => {
    const gpu = make('h200x8');
    await gpu.start();
    expect(gpu.status()).toMatchObject({ state: 'running', gpus: 8, unsupported: [] });
    const ms = gpu.collect(Date.now());
    const power = ms.find((m) => m.name === 'hw.power')!;
    const expected = readScenario('h200x8').gpus.map((g) => Number(g['power.draw']));
    expect(power.points.map((p) => p.value)).toEqual(expected);
    // The loops: query-gpu, compute-apps and dmon, each one process that keeps running.
    await waitFor(() =>
      gpu.collect(Date.now()).some((m) => m.name === 'aiobs.gpu.process.memory.usage'),
    );
    await waitFor(() =>
      gpu.collect(Date.now()).some((m) => m.name === 'aiobs.gpu.pcie.throughput'),
    );
    const loops = () =>
      readSmiLog(logFile).filter((s) => s.argv.includes('-lms') || s.argv[0] === 'dmon');
    // The three loops start concurrently; metrics from two may arrive before the third's start.
    await waitFor(() => loops().length >= 3);
    const loopStarts = loops();
    expect(loopStarts).toHaveLength(3);
    for (const s of loopStarts) expect(isAlive(s.pid)).toBe(true);
    const energy = () =>
      gpu.collect(Date.now()).find((m) => m.name === 'hw.energy')!.points[0]!.value;
    const e1 = energy();
    await waitFor(() => energy() > e1, 5000, 'energy to grow');
    expect(readSmiLog(logFile).filter((s) => s.argv.includes('-lms'))).toHaveLength(2);
  });

  it('uses older field names on driver 470 and leaves unsupported fields out', async () => {
    const gpu = make('na');
    await gpu.start();
    expect(gpu.status()).toMatchObject({
      state: 'running',
      gpus: 1,
      unsupported: ['utilEncoder', 'utilDecoder', 'tempMemory'],
    });
    expect(gpu.status().fields).toContain('clocks_throttle_reasons.active');
    const names = gpu.collect(Date.now()).map((m) => m.name);
    expect(names).toContain('hw.temperature');
    expect(names).not.toContain('hw.power');
  });

  it('reports no GPU once when the driver sees none', async () => {
    const gpu = make('nodevice');
    await gpu.start();
    expect(gpu.status().state).toBe('no-gpu');
    expect(gpu.collect(Date.now())).toEqual([]);
    expect(logs.filter((l) => l.includes('no GPU found by nvidia-smi'))).toHaveLength(1);
  });

  it('reports no GPU when nvidia-smi is not installed', async () => {
    collector = createGpuCollector({
      nvidiaSmi: join(dir, 'no-such-nvidia-smi'),
      intervalMs: 200,
      logger: createLogger('debug', (l) => logs.push(l)),
      inventory: false,
      starts,
    });
    await collector.start();
    expect(collector.status().state).toBe('no-nvidia-smi');
    expect(logs.some((l) => l.includes('nvidia-smi not found'))).toBe(true);
  });

  it('times out a hung nvidia-smi and kills it', async () => {
    const gpu = make('hang');
    const t0 = Date.now();
    await gpu.start();
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(gpu.status()).toMatchObject({ state: 'failed' });
    expect(gpu.status().message).toMatch(/did not answer within 3000 ms/);
    const started = readSmiLog(logFile);
    expect(started).toHaveLength(1);
    await waitFor(() => !isAlive(started[0]!.pid), 3000, 'hung nvidia-smi to be killed');
  });

  it('restarts the sampling process when it dies', async () => {
    const gpu = make('h200x8', { AIOBS_FAKE_SMI_EXIT_AFTER: '2' });
    await gpu.start();
    const loop = gpu.loops[0]!;
    await waitFor(() => loop.starts >= 2, 8000, 'a restart');
    expect(
      logs.some((l) => l.includes('tool exited; restarting') && l.includes('GPU is lost')),
    ).toBe(true);
    await waitFor(() => gpu.collect(Date.now()).length > 0, 5000);
  });

  it('kills and restarts a sampling process that stops printing', async () => {
    // The stall limit is max(3 intervals, commandTimeoutMs). 1 s was too short for the
    // Node-based fake's one-shot discovery calls on a machine at load 30-40.
    const gpu = make('h200x8', { AIOBS_FAKE_SMI_STALL_AFTER: '1' }, 200, {
      commandTimeoutMs: 3000,
    });
    await gpu.start();
    const loop = gpu.loops[0]!;
    const firstPid = loop.pid!;
    await waitFor(() => loop.starts >= 2, 8000, 'a restart after the stall');
    expect(logs.some((l) => l.includes('tool produced no output in time'))).toBe(true);
    await waitFor(() => !isAlive(firstPid), 3000, 'the stalled process to be gone');
  });
});
