import type { Logger } from '../logger.js';
import type { BaselinesRepo } from './baselines-repo.js';
import { multivariateOf, type ReferenceCache } from './multivariate-request.js';
import type { DriftRepo } from './repo.js';
import { multivariateRow, resultRows } from './results.js';
import type { DriftResultsRepo } from './results-repo.js';
import { chunkKey, judgeByLimits } from './thresholds.js';
import { judge } from './verdict.js';

/**
 * The scheduled drift job (issue 9, item 4; docs/drift.md "Stored results"): every
 * `intervalMs`, for each model's default baseline, computes drift per version and variant
 * over the windows `[k·interval, (k+1)·interval)` that have closed (plus `settleMs`, so rows
 * still in the ingest batches land first) and stores the rows in `aiobs_drift_results`.
 *
 * Idempotent per window: a window already stored for that baseline is skipped, and
 * recomputing one writes the same keys (ReplacingMergeTree, newest wins). Up to
 * `catchUpWindows` recent windows are looked at each run, so a restart fills the gap.
 *
 * No lease yet: with several collectors on one ClickHouse server each computes the same
 * windows; the rows are equal and replace each other, so it is wasted work, not wrong
 * results. The alert evaluator's lease will cover this job too.
 */

export interface DriftJobOptions {
  /** Window length and run period, ms. */
  intervalMs: number;
  /** Fewest values on either side for a verdict. */
  minSamples: number;
  /** Wait after a window's end before computing it, ms (default 10 s, or half a window). */
  settleMs?: number;
  /** Most recent windows looked at per run (default 12). */
  catchUpWindows?: number;
}

export interface DriftJobDeps {
  drift: DriftRepo;
  baselines: BaselinesRepo;
  results: DriftResultsRepo;
  log: Logger;
}

/** A started or startable job. */
export interface DriftJob {
  /** Computes every due window now; resolves with the number of rows written. */
  runOnce(nowMs?: number): Promise<number>;
  /** Runs every `intervalMs` until {@link DriftJob.stop}. */
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** The windows due at `nowMs`, oldest first: closed at least `settleMs` ago. */
export function dueWindows(
  nowMs: number,
  intervalMs: number,
  settleMs: number,
  count: number,
): Array<{ fromMs: number; toMs: number }> {
  const lastEnd = Math.floor((nowMs - settleMs) / intervalMs) * intervalMs;
  const out: Array<{ fromMs: number; toMs: number }> = [];
  for (let i = count - 1; i >= 0; i--) {
    const toMs = lastEnd - i * intervalMs;
    out.push({ fromMs: toMs - intervalMs, toMs });
  }
  return out;
}

/** Creates the job; nothing runs until `start()` or `runOnce()`. */
export function createDriftJob(deps: DriftJobDeps, opts: DriftJobOptions): DriftJob {
  // Short windows (tests) settle for half a window instead.
  const settleMs = opts.settleMs ?? Math.min(10_000, opts.intervalMs / 2);
  const catchUp = opts.catchUpWindows ?? 12;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function runOnce(nowMs = Date.now()): Promise<number> {
    let written = 0;
    const windows = dueWindows(nowMs, opts.intervalMs, settleMs, catchUp);
    for (const b of await deps.baselines.defaults()) {
      // The baseline's joint reference sample is read once per run, not once per window.
      const references: ReferenceCache = new Map();
      for (const w of windows) {
        if (stopped) return written;
        if (await deps.results.has(b.project, b.model, b.id, w.fromMs)) continue;
        const groups = await deps.drift.groups(b.project, b.model, w.fromMs, w.toMs);
        for (const g of groups) {
          const request = {
            project: b.project,
            model: b.model,
            reference: { baselineId: b.id },
            current: { ...w, version: g.version, variant: g.variant },
          };
          const stats = await deps.drift.featureStats(request);
          // A baseline with reference-derived thresholds judges by its limits where six
          // chunks fit, else by the fixed thresholds, as GET /api/v1/drift does.
          const limits =
            b.thresholds === 'reference'
              ? await deps.drift.referenceLimits(request, stats)
              : undefined;
          const key = { ...g, project: b.project, model: b.model, baselineId: b.id, ...w };
          const computed = { ...key, computedAtMs: Date.now() };
          const rows = resultRows(stats, computed, opts.minSamples, (s) => {
            const l = limits?.get(chunkKey(s));
            return l ? judgeByLimits(s, l, opts.minSamples) : judge(s, 'auto', opts.minSamples);
          });
          // An uploaded baseline has no joint reference: no multivariate row, rather than
          // one insufficient_data row per window.
          if (b.source !== 'sample') {
            const m = await multivariateOf(deps.drift, request, b, opts.minSamples, references);
            rows.push(multivariateRow(m, computed));
          }
          await deps.results.insert(rows);
          written += rows.length;
        }
      }
    }
    return written;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .then((n) => {
          if (n > 0) deps.log.debug({ rows: n }, 'drift job: results stored');
        })
        // A failed run (engine busy, a baseline deleted meanwhile) is retried next period.
        .catch((err: unknown) => deps.log.warn({ err }, 'drift job: run failed'))
        .finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  }

  return {
    runOnce,
    start() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
