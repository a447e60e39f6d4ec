import type { Logger } from '../logger.js';
import type { Db } from '../storage/db.js';
import type {
  AlertNotification,
  Notifier,
  SignalEvaluator,
  SignalSample,
  WindowMs,
} from './contract.js';
import { type LeaseKeeper, shardOf } from './lease.js';
import { outcomeOf } from './level.js';
import { buildNotification, fingerprint, identityLabels } from './notification.js';
import { ruleTiming } from './rule-schema.js';
import type { RulesRepo, StoredRule } from './rules-repo.js';
import { Schedule } from './schedule.js';
import { INITIAL_STATE, type Outcome, stepAlert } from './state-machine.js';
import type { HistoryEntry, StateRepo, StoredState } from './state-repo.js';

/** What the evaluator is built from. */
export interface EvaluatorOptions<S> {
  db: Db;
  rules: RulesRepo<S>;
  states: StateRepo;
  signals: SignalEvaluator<S>;
  notifier: Notifier;
  lease: LeaseKeeper;
  log: Logger;
  /** `--public-url`, for links in notifications. */
  publicUrl?: string;
  now?: () => number;
  /**
   * How often the loop looks for due rules. Default: a quarter of the shortest rule
   * interval, from 250 ms to 1 s (each tick with due rules costs a state write, so 30 s
   * rules are batched by the second, 1 s rules are late by at most 250 ms).
   */
  tickMs?: number;
  /** Rules evaluated at the same time (default 8: the engine runs queries on a thread pool). */
  concurrency?: number;
  /** How often the rule list is re-read for changes made through other collectors (default 10 s). */
  rulesRefreshMs?: number;
}

/** Figures about the evaluator's work, for `GET /api/v1/alerts/evaluator` and the benchmark. */
export interface EvaluatorStats {
  holder: string;
  heldShards: number[];
  shards: number;
  rules: number;
  evaluations: number;
  failures: number;
  /**
   * Distinct signal reads (rules sharing a signal and window in a tick count once) and the
   * calls that made them (`evaluate`, or one `evaluateMany` per project and tick, which
   * reads the batchable ones in one query per stored level and window).
   */
  reads: { signals: number; calls: number };
  /** Delay between a rule's scheduled instant and the start of its evaluation, ms. */
  lagMs: { p50: number; p99: number; max: number };
  /**
   * CPU time of the process (every thread, the embedded engine's included) spent in each
   * step of the loop since start, ms: where the evaluator's cost goes. Work running beside
   * the evaluator (ingest) is counted into whichever step was running, so read these when
   * the collector is otherwise idle.
   */
  cpuMs: Record<CpuStep, number>;
  /** Time one evaluation took (signal read and transition), ms. */
  evalMs: { p50: number; p99: number; max: number };
}

/** Steps of the loop whose CPU time is counted apart (see {@link EvaluatorStats.cpuMs}). */
export type CpuStep = 'lease' | 'rules' | 'stateLoad' | 'evaluate' | 'write';

/** CPU time of the whole process so far, ms. */
function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Most samples kept for the lag and duration percentiles. */
const SAMPLES = 10_000;

function summary(xs: readonly number[]) {
  if (xs.length === 0) return { p50: 0, p99: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}

/** Top traces named in a firing notification. */
const TOP_TRACES = 5;

/**
 * Evaluates every enabled rule on its interval: one timer loop; each tick refreshes the
 * leases when due, re-reads the rules when they changed, and evaluates the rules whose
 * instant has come (see schedule.ts) and whose shard this evaluator holds (lease.ts).
 *
 * Per tick, for the due rules: read their persisted states; evaluate each signal and step
 * its state machine; then, in this order, hand the notifications to delivery (idempotent by
 * id), append the transitions to the history, and write the new states. A crash anywhere
 * before the state write makes the next evaluation repeat the same transition with the same
 * seq and the same notification id, which delivery has already stored: no duplicate.
 */
export class Evaluator<S> {
  private readonly schedule = new Schedule();
  private readonly now: () => number;
  private readonly tickMs: number | undefined;
  private readonly concurrency: number;
  private readonly rulesRefreshMs: number;
  private rules: StoredRule<S>[] = [];
  private phaseKeys = new Map<string, string>();
  private rulesLoadedMs = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private evaluations = 0;
  private failures = 0;
  private readonly reads = { signals: 0, calls: 0 };
  private readonly lags: number[] = [];
  private readonly durations: number[] = [];
  private readonly cpu: Record<CpuStep, number> = {
    lease: 0,
    rules: 0,
    stateLoad: 0,
    evaluate: 0,
    write: 0,
  };
  /**
   * States this evaluator wrote, by rule id, with the lease epoch of the rule's shard when
   * written: while the shard stays held nobody else writes them, so the next evaluation
   * needs no read. A new epoch (the shard was lost and taken again) reads them anew.
   */
  private readonly cache = new Map<string, { state: StoredState; epoch: number }>();

  /**
   * Told of every evaluation: its lag behind the rule's scheduled instant and its duration
   * (ms), and whether the signal read succeeded (observability/ sets it: histograms).
   */
  onEvaluation?: (lagMs: number, durationMs: number, ok: boolean) => void;

  constructor(private readonly o: EvaluatorOptions<S>) {
    this.now = o.now ?? Date.now;
    this.tickMs = o.tickMs;
    this.concurrency = o.concurrency ?? 8;
    this.rulesRefreshMs = o.rulesRefreshMs ?? 10_000;
  }

  /** Starts the loop. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = () => {
      this.running = this.tick()
        .catch((err: unknown) => this.o.log.error({ err }, 'alert evaluation tick failed'))
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(loop, this.tickMs ?? this.autoTickMs());
            this.timer.unref();
          }
        });
    };
    loop();
  }

  private autoTickMs(): number {
    let shortest = Number.POSITIVE_INFINITY;
    for (const r of this.rules) shortest = Math.min(shortest, ruleTiming(r.spec).intervalMs);
    return Math.max(250, Math.min(1000, shortest / 4));
  }

  /** Stops the loop, waits for the evaluation in flight and gives the leases up. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.o.lease.releaseAll().catch((err: unknown) => {
      this.o.log.warn({ err }, 'could not release the alert evaluator leases');
    });
  }

  /** Re-reads the rules at the next tick (a rule was created, changed or deleted here). */
  invalidate(): void {
    this.rulesLoadedMs = Number.NEGATIVE_INFINITY;
  }

  /** One pass of the loop; exposed so tests drive it with their own clock. */
  async tick(): Promise<void> {
    const { lease, log } = this.o;
    if (lease.due())
      await this.timed('lease', () =>
        lease.refresh().catch((err: unknown) => {
          // Held shards stay usable until the expiry last written, then are dropped.
          log.warn({ err }, 'alert evaluator lease refresh failed');
        }),
      );
    if (this.now() - this.rulesLoadedMs >= this.rulesRefreshMs) {
      this.rules = await this.timed('rules', () => this.o.rules.listEnabled());
      this.rulesLoadedMs = this.now();
      // Rules reading one signal share a phase, hence one read per interval (schedule.ts).
      this.phaseKeys = new Map(this.rules.map((r) => [r.id, this.readKey(r)]));
      const ids = new Set(this.rules.map((r) => r.id));
      this.schedule.retain(ids);
      for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
    }
    const t = this.now();
    const due: { rule: StoredRule<S>; slot: number }[] = [];
    for (const rule of this.rules) {
      if (!lease.holds(shardOf(rule.id, lease.shards))) continue;
      const slot = this.schedule.dueSlot(
        rule.id,
        ruleTiming(rule.spec).intervalMs,
        t,
        this.phaseKeys.get(rule.id),
      );
      if (slot !== undefined) due.push({ rule, slot });
    }
    if (due.length > 0) await this.evaluate(due, t);
  }

  private async evaluate(
    due: { rule: StoredRule<S>; slot: number }[],
    atMs: number,
  ): Promise<void> {
    try {
      await this.evaluateDue(due, atMs);
    } finally {
      // Also after a failure (the engine is down): the rules wait for their next instant
      // instead of being retried every tick; nothing was written, so that instant repeats
      // the same transitions.
      for (const d of due) this.schedule.done(d.rule.id, d.slot);
    }
  }

  /**
   * Evaluates the rules due in one tick, all as of the tick's time `atMs`: rules of one
   * project reading the same signal over the same window share one read (`shared`).
   */
  private async evaluateDue(
    due: { rule: StoredRule<S>; slot: number }[],
    atMs: number,
  ): Promise<void> {
    const { states, lease } = this.o;
    const epochOf = (ruleId: string) => lease.epoch(shardOf(ruleId, lease.shards));
    const prev = new Map<string, StoredState>();
    const missing: string[] = [];
    for (const { rule } of due) {
      const c = this.cache.get(rule.id);
      if (c && c.epoch === epochOf(rule.id)) prev.set(rule.id, c.state);
      else missing.push(rule.id);
    }
    const loaded = await this.timed('stateLoad', () => states.load(missing));
    for (const [id, s] of loaded) prev.set(id, s);
    const results: { state: StoredState; entry?: HistoryEntry; note?: AlertNotification }[] = [];
    let next = 0;
    await this.timed('evaluate', () => {
      const shared = this.readSignals(due, atMs);
      const worker = async () => {
        while (next < due.length) {
          const d = due[next++]!;
          results.push(await this.evaluateOne(d.rule, d.slot, prev.get(d.rule.id), atMs, shared));
        }
      };
      return Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
    });
    await this.timed('write', () => this.writeResults(results));
  }

  /** Runs one step of the loop, counting the process's CPU time into `step`. */
  private async timed<T>(step: CpuStep, run: () => Promise<T>): Promise<T> {
    const c0 = cpuNowMs();
    try {
      return await run();
    } finally {
      this.cpu[step] += cpuNowMs() - c0;
    }
  }

  /** Hands over the notifications, then appends the history, then writes the states. */
  private async writeResults(
    results: { state: StoredState; entry?: HistoryEntry; note?: AlertNotification }[],
  ): Promise<void> {
    const { states, notifier, lease } = this.o;
    const epochOf = (ruleId: string) => lease.epoch(shardOf(ruleId, lease.shards));
    // A shard lost while evaluating (the lease expired) is left to its new holder.
    const kept = results.filter((r) => lease.holds(shardOf(r.state.ruleId, lease.shards)));
    const notes = kept.flatMap((r) => (r.note ? [r.note] : []));
    if (notes.length > 0) await notifier.enqueue(notes);
    await states.appendHistory(kept.flatMap((r) => (r.entry ? [r.entry] : [])));
    const saved = kept.map((r) => r.state);
    for (const s of saved) this.cache.delete(s.ruleId);
    await states.save(saved, lease.holder);
    for (const s of saved) this.cache.set(s.ruleId, { state: s, epoch: epochOf(s.ruleId) });
  }

  /**
   * Starts the signal reads of the due rules, one per distinct (project, signal, window),
   * each project's through `evaluateMany` when the signals offer it (signals over the same
   * stored rows then share one query: a query costs the engine CPU whatever it reads).
   */
  private readSignals(
    due: { rule: StoredRule<S> }[],
    atMs: number,
  ): Map<string, Promise<SignalSample>> {
    const { signals, db } = this.o;
    const byProject = new Map<string, Map<string, { signal: S; window: WindowMs }>>();
    for (const { rule } of due) {
      const { key, window } = this.readOf(rule, atMs);
      const items = byProject.get(rule.project) ?? new Map();
      byProject.set(rule.project, items);
      if (!items.has(key)) items.set(key, { signal: rule.spec.signal, window });
    }
    const shared = new Map<string, Promise<SignalSample>>();
    for (const [project, items] of byProject) {
      const ctx = { db, project };
      const keys = [...items.keys()];
      const list = [...items.values()];
      this.reads.signals += list.length;
      if (!signals.evaluateMany || list.length === 1) {
        this.reads.calls += list.length;
        keys.forEach((k, i) => {
          const { signal, window } = list[i]!;
          shared.set(k, signals.evaluate(ctx, signal, window));
        });
        continue;
      }
      this.reads.calls++;
      const settled = signals.evaluateMany(ctx, list);
      keys.forEach((k, i) => {
        const one = settled.then((all) => {
          const r = all[i]!;
          if (r.status === 'rejected') throw r.reason;
          return r.value;
        });
        // Awaited later by the rule's evaluation; a failure is its rule's error, not an
        // unhandled rejection meanwhile.
        one.catch(() => undefined);
        shared.set(k, one);
      });
    }
    return shared;
  }

  /** The key of a rule's signal read: rules with equal keys share one read per tick. */
  private readKey(rule: StoredRule<S>): string {
    return JSON.stringify([rule.project, rule.spec.signal, ruleTiming(rule.spec).windowMs]);
  }

  /** The key of a rule's signal read at `atMs` and the window it covers. */
  private readOf(rule: StoredRule<S>, atMs: number): { key: string; window: WindowMs } {
    const { windowMs } = ruleTiming(rule.spec);
    return {
      key: this.phaseKeys.get(rule.id) ?? this.readKey(rule),
      window: { fromMs: atMs - windowMs, toMs: atMs },
    };
  }

  private async evaluateOne(
    rule: StoredRule<S>,
    slot: number,
    prev: StoredState | undefined,
    at: number,
    shared: Map<string, Promise<SignalSample>>,
  ) {
    const { spec } = rule;
    const timing = ruleTiming(spec);
    const started = this.now();
    this.push(this.lags, started - slot);
    const ctx = { db: this.o.db, project: rule.project };
    const { key, window } = this.readOf(rule, at);
    let read = shared.get(key);
    if (!read) {
      read = this.o.signals.evaluate(ctx, spec.signal, window);
      shared.set(key, read);
    }
    let outcome: Outcome;
    let details: Record<string, number | null> | undefined;
    let failed = false;
    try {
      const sample = await read;
      outcome = outcomeOf(sample, spec.condition);
      details = sample.details;
    } catch (err) {
      this.failures++;
      failed = true;
      outcome = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
      this.o.log.warn({ err, ruleId: rule.id }, 'alert rule evaluation failed');
    }
    const before = prev ?? INITIAL_STATE;
    const t = stepAlert(before, outcome, at, {
      ...timing,
      noDataState: spec.noDataState,
      errorState: spec.errorState,
    });
    this.evaluations++;
    const idLabels = identityLabels(spec);
    const state: StoredState = {
      ...t.next,
      project: rule.project,
      ruleId: rule.id,
      fingerprint: fingerprint(idLabels),
      labels: idLabels,
    };
    let note: AlertNotification | undefined;
    if (t.notify) {
      const severity = t.notify === 'firing' ? t.next.severity : before.severity;
      const topTraces =
        t.notify === 'firing'
          ? await this.o.signals
              .topTraces(ctx, spec.signal, window, TOP_TRACES)
              .catch((err: unknown) => {
                this.o.log.warn(
                  { err, ruleId: rule.id },
                  'top traces of a firing alert unavailable',
                );
                return [];
              })
          : [];
      note = buildNotification({
        project: rule.project,
        ruleId: rule.id,
        spec,
        state: t.next,
        severity,
        status: t.notify,
        details,
        topTraces,
        publicUrl: this.o.publicUrl,
      });
    }
    const entry: HistoryEntry | undefined = t.changed
      ? {
          project: rule.project,
          ruleId: rule.id,
          ruleName: spec.name,
          seq: t.next.seq,
          timeMs: at,
          fingerprint: state.fingerprint,
          from: t.from,
          to: t.next.state,
          severity: t.next.severity ?? (t.notify === 'resolved' ? before.severity : null),
          value: t.next.value,
          labels: idLabels,
          notificationId: note?.id ?? '',
        }
      : undefined;
    const took = this.now() - started;
    this.push(this.durations, took);
    this.onEvaluation?.(started - slot, took, !failed);
    return { state, entry, note };
  }

  private push(xs: number[], v: number): void {
    if (xs.length >= SAMPLES) xs.splice(0, xs.length - SAMPLES + 1);
    xs.push(v);
  }

  /** Figures about the work done so far. */
  stats(): EvaluatorStats {
    return {
      holder: this.o.lease.holder,
      heldShards: this.o.lease.heldShards(),
      shards: this.o.lease.shards,
      rules: this.rules.length,
      evaluations: this.evaluations,
      failures: this.failures,
      reads: { ...this.reads },
      lagMs: summary(this.lags),
      evalMs: summary(this.durations),
      cpuMs: { ...this.cpu },
    };
  }
}
