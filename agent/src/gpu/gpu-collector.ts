import type { Logger } from '../logger.js';
import { AttributeSets } from '../metrics/attribute-sets.js';
import type { Metric } from '../metrics/model.js';
import {
  isNoDevices,
  parseDmonThroughput,
  parseHelpQuery,
  parseRow,
  splitRow,
  unknownFieldError,
} from '../parse/nvidia-smi.js';
import {
  APP_QUERY_FIELDS,
  emptyReading,
  type FieldSelection,
  type GpuFieldKey,
  REQUIRED_GPU_FIELDS,
  selectGpuFields,
} from './fields.js';
import { GpuState } from './gpu-state.js';
import { type GraphicsInventory, isNvidia, readGraphicsInventory } from './inventory.js';
import { LoopProcess } from './loop-process.js';
import { runCommand } from './run-command.js';
import { gpuMetrics, type SeriesStarts } from './to-metrics.js';

/** Where GPU collection stands. */
export type GpuCollectorState =
  | 'starting'
  | 'no-nvidia-smi'
  | 'no-gpu'
  | 'failed'
  | 'running'
  | 'stopped';

/** What {@link GpuCollector.status} reports (also printed by `aiobs-agent snapshot`). */
export interface GpuStatus {
  readonly state: GpuCollectorState;
  readonly message?: string;
  readonly gpus: number;
  readonly fields: readonly string[];
  /** Fields this driver cannot report; their metrics are left out. */
  readonly unsupported: readonly string[];
  readonly inventory?: GraphicsInventory;
}

/** Options of {@link createGpuCollector}. */
export interface GpuCollectorOptions {
  /** nvidia-smi executable (name on PATH or a path). */
  readonly nvidiaSmi: string;
  /** Sampling interval for the nvidia-smi loops. */
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Time limit for one-shot nvidia-smi calls (discovery). */
  readonly commandTimeoutMs?: number;
  /** Delay before trying discovery again after a failure or a hang. */
  readonly retryMs?: number;
  /** Also run `nvidia-smi dmon -s t` for PCIe throughput. */
  readonly pcie?: boolean;
  /** List controllers once with systeminformation.graphics() (lspci). */
  readonly inventory?: boolean;
  readonly starts: SeriesStarts;
  readonly env?: NodeJS.ProcessEnv;
}

/** GPU metrics from long-lived nvidia-smi processes; never throws, never blocks host metrics. */
export interface GpuCollector {
  /** Discovers fields and GPUs (bounded by timeouts) and starts the sampling processes. */
  start(): Promise<void>;
  collect(nowMs: number): Metric[];
  status(): GpuStatus;
  stop(): Promise<void>;
  /** Sampling processes, for tests and benchmarks. */
  readonly loops: readonly LoopProcess[];
  /** Resolves once the lspci inventory is read (or was not asked for). */
  inventoryReady(): Promise<void>;
}

/**
 * Creates the GPU collector.
 *
 * @example
 * const gpu = createGpuCollector({ nvidiaSmi: 'nvidia-smi', intervalMs: 10_000, logger, starts });
 * await gpu.start();
 * const metrics = gpu.collect(Date.now());
 */
export function createGpuCollector(opts: GpuCollectorOptions): GpuCollector {
  const log = opts.logger;
  const timeoutMs = opts.commandTimeoutMs ?? 10_000;
  const retryMs = opts.retryMs ?? 60_000;
  const state = new GpuState(opts.intervalMs);
  const loops: LoopProcess[] = [];
  const excluded = new Set<string>();
  let selection: FieldSelection | undefined;
  let current: GpuCollectorState = 'starting';
  let message: string | undefined;
  let inventory: GraphicsInventory | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const reported = new Set<string>();
  // One attributes object per series for the collector's life (the encoder caches by identity).
  const sets = new AttributeSets();

  const once = (key: string, f: () => void) => {
    if (reported.has(key)) return;
    reported.add(key);
    f();
  };
  const setState = (s: GpuCollectorState, msg?: string) => {
    current = s;
    message = msg;
  };
  const scheduleRetry = (ms: number) => {
    clearTimeout(retryTimer);
    if (stopped) return;
    retryTimer = setTimeout(() => void discover(), ms);
    retryTimer.unref();
  };

  const feedGpuRow = (line: string, at: number) => {
    if (!selection) return;
    // Cells go straight to their canonical keys (no row keyed by field name in between).
    const trimmed = line.trim();
    if (trimmed === '') return;
    const { keys } = selection;
    const cells = splitRow(trimmed, keys.length);
    if (cells.length !== keys.length) return;
    const reading = emptyReading();
    for (let i = 0; i < keys.length; i++) reading[keys[i] as GpuFieldKey] = cells[i];
    state.updateGpu(reading, at);
  };

  async function discover(): Promise<void> {
    if (stopped) return;
    const help = await runCommand(opts.nvidiaSmi, ['--help-query-gpu'], timeoutMs, opts.env);
    if (help.notFound) {
      setState('no-nvidia-smi', `${opts.nvidiaSmi} not found: reporting host metrics only`);
      once('no-nvidia-smi', () =>
        log.info('no GPU: nvidia-smi not found; reporting host metrics only', {
          nvidiaSmi: opts.nvidiaSmi,
        }),
      );
      return scheduleRetry(retryMs * 5);
    }
    if (help.timedOut || help.code !== 0) {
      return fail(
        help.timedOut
          ? `nvidia-smi --help-query-gpu did not answer within ${timeoutMs} ms`
          : `nvidia-smi --help-query-gpu exited ${help.code}: ${(help.stdout + help.stderr).trim().slice(-300)}`,
      );
    }
    const supported = parseHelpQuery(help.stdout);
    for (let attempt = 0; attempt < 8; attempt++) {
      selection = selectGpuFields(supported, excluded);
      const missingRequired = REQUIRED_GPU_FIELDS.filter((k) => selection?.missing.includes(k));
      if (missingRequired.length > 0) {
        return fail(`nvidia-smi cannot report ${missingRequired.join(', ')}`);
      }
      const probe = await runCommand(
        opts.nvidiaSmi,
        [`--query-gpu=${selection.fields.join(',')}`, '--format=csv,noheader,nounits'],
        timeoutMs,
        opts.env,
      );
      const out = probe.stdout + probe.stderr;
      if (probe.timedOut)
        return fail(`nvidia-smi --query-gpu did not answer within ${timeoutMs} ms`);
      const bad = unknownFieldError(out);
      if (bad && probe.code !== 0) {
        log.warn('nvidia-smi rejected a field it listed; leaving it out', { field: bad });
        excluded.add(bad);
        continue;
      }
      if (isNoDevices(out)) {
        setState('no-gpu', 'nvidia-smi found no GPU');
        once('no-gpu', () => {
          log.info('no GPU found by nvidia-smi; reporting host metrics only');
          if (inventory?.controllers.some(isNvidia)) {
            log.warn(
              'lspci lists an NVIDIA controller but the driver sees no GPU (driver not loaded?)',
            );
          }
        });
        return scheduleRetry(retryMs * 5);
      }
      if (probe.code !== 0)
        return fail(`nvidia-smi --query-gpu exited ${probe.code}: ${out.trim().slice(-300)}`);
      const now = Date.now();
      for (const line of probe.stdout.split('\n')) feedGpuRow(line, now);
      // One process list up front, so the first collection has it too.
      const apps = await runCommand(
        opts.nvidiaSmi,
        [`--query-compute-apps=${APP_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'],
        timeoutMs,
        opts.env,
      );
      for (const line of apps.code === 0 ? apps.stdout.split('\n') : []) {
        const row = parseRow(line, [...APP_QUERY_FIELDS], 2);
        if (row) state.updateApp(row, Date.now());
      }
      startLoops();
      reported.delete('failed');
      setState('running');
      log.info('GPU collection started', {
        gpus: state.knownGpus,
        fields: selection.fields.length,
        unsupported: selection.missing,
      });
      return;
    }
    return fail('nvidia-smi kept rejecting fields');
  }

  function fail(msg: string): void {
    setState('failed', msg);
    log.error('GPU collection failed; host metrics continue', { error: msg, retryInMs: retryMs });
    scheduleRetry(retryMs);
  }

  function startLoops(): void {
    if (!selection || loops.length > 0) return;
    const fields = selection.fields;
    const ms = String(Math.max(100, Math.round(opts.intervalMs)));
    const stall = Math.max(3 * opts.intervalMs, timeoutMs);
    loops.push(
      new LoopProcess({
        name: 'nvidia-smi --query-gpu',
        command: opts.nvidiaSmi,
        args: [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits', '-lms', ms],
        onLine: feedGpuRow,
        stallTimeoutMs: stall,
        logger: log,
        env: opts.env,
        onExit: (_code, output) => {
          if (isNoDevices(output) || unknownFieldError(output)) {
            const bad = unknownFieldError(output);
            if (bad) excluded.add(bad);
            void restartDiscovery();
            return 'stop';
          }
          return 'restart';
        },
      }),
    );
    const appFields = [...APP_QUERY_FIELDS];
    loops.push(
      new LoopProcess({
        name: 'nvidia-smi --query-compute-apps',
        command: opts.nvidiaSmi,
        args: [
          `--query-compute-apps=${appFields.join(',')}`,
          '--format=csv,noheader,nounits',
          '-lms',
          ms,
        ],
        onLine: (line, at) => {
          const row = parseRow(line, appFields, 2);
          if (row) state.updateApp(row, at);
        },
        // An empty process list prints nothing: silence is normal here.
        stallTimeoutMs: Number.POSITIVE_INFINITY,
        logger: log,
        env: opts.env,
      }),
    );
    if (opts.pcie ?? true) {
      const seconds = String(Math.max(1, Math.round(opts.intervalMs / 1000)));
      loops.push(
        new LoopProcess({
          name: 'nvidia-smi dmon -s t',
          command: opts.nvidiaSmi,
          args: ['dmon', '-s', 't', '-d', seconds],
          onLine: (line, at) => {
            const t = parseDmonThroughput(line);
            if (t) state.updatePcie(t, at);
          },
          stallTimeoutMs: Math.max(3 * Number(seconds) * 1000, timeoutMs),
          logger: log,
          env: opts.env,
          onExit: (code) => (code === 0 || code === 6 ? 'stop' : 'restart'),
        }),
      );
    }
    for (const l of loops) l.start();
  }

  async function restartDiscovery(): Promise<void> {
    const old = loops.splice(0);
    await Promise.all(old.map((l) => l.stop()));
    setState('starting');
    scheduleRetry(1000);
  }

  let inv: Promise<void> = Promise.resolve();
  return {
    loops,
    inventoryReady: () => inv,
    async start() {
      inv =
        opts.inventory === false
          ? Promise.resolve(undefined)
          : readGraphicsInventory(Math.max(timeoutMs, 15_000), opts.env).then((i) => {
              inventory = i;
              log.info('graphics controllers (systeminformation.graphics)', {
                controllers: i.controllers.map((c) => `${c.vendor} ${c.model}`.trim()),
                ...(i.error ? { error: i.error } : {}),
              });
              if (current === 'no-nvidia-smi' && i.controllers.some(isNvidia)) {
                log.warn(
                  'lspci lists an NVIDIA GPU but nvidia-smi is not installed: install the NVIDIA driver',
                );
              }
            });
      // The inventory only informs logs and snapshots; collection does not wait for it.
      await discover();
    },
    collect(nowMs: number) {
      if (current !== 'running') return [];
      return gpuMetrics(state.snapshot(nowMs), opts.starts, sets);
    },
    status() {
      return {
        state: current,
        ...(message ? { message } : {}),
        gpus: current === 'running' ? state.snapshot(Date.now()).gpus.length : 0,
        fields: selection?.fields ?? [],
        unsupported: selection?.missing ?? [],
        ...(inventory ? { inventory } : {}),
      };
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      setState('stopped');
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
