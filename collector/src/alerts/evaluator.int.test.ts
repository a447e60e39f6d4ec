import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { createDb, type Db } from '../storage/db.js';
import { type Engine, openEngine } from '../storage/engine.js';
import { migrate } from '../storage/migrate.js';
import type { AlertNotification, Notifier, SignalEvaluator } from './contract.js';
import { Evaluator } from './evaluator.js';
import { LeaseKeeper, shardOf } from './lease.js';
import type { RuleSpec } from './rule-schema.js';
import { createRulesRepo, type RulesRepo } from './rules-repo.js';
import { createStateRepo, type StateRepo } from './state-repo.js';

// The lifecycle on the real engine: two evaluators sharing one engine split the rules by
// lease and evaluate each rule once per interval; a crash between the notification and the
// state write, and a restart, send no notification twice.

const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
let dir: string;
let engine: Engine;
let db: Db;
let clock = 0;
const now = () => clock;

/** The test's signal: the latest value written for its key in a table of the test's own. */
type TestSignal = { kind: 'test'; key: string };
const calls: { key: string; atMs: number }[] = [];
/** Runs inside each evaluation (a test pauses the evaluator there by moving the clock). */
let duringEvaluation: (() => void) | undefined;
function signals(): SignalEvaluator<TestSignal> {
  return {
    async evaluate(_ctx, signal, window) {
      calls.push({ key: signal.key, atMs: window.toMs });
      duringEvaluation?.();
      const rows = await db.rows<{ v: number | null }>(
        `SELECT argMaxOrNull(v, t) AS v FROM ${db.table('test_signal')} WHERE key = {key:String}`,
        { key: signal.key },
      );
      return { value: rows[0]?.v ?? null };
    },
    async series() {
      return [];
    },
    async topTraces() {
      return [];
    },
  };
}
async function setSignal(key: string, v: number) {
  await engine.client.insert({
    table: db.table('test_signal'),
    values: [{ key, v, t: clock }],
    format: 'JSONEachRow',
  });
}

/** Delivery's promise: an id already stored is skipped. Records every attempt. */
function recordingNotifier() {
  const attempts: AlertNotification[] = [];
  const stored = new Map<string, AlertNotification>();
  const notifier: Notifier = {
    async enqueue(ns) {
      for (const n of ns) {
        attempts.push(n);
        if (!stored.has(n.id)) stored.set(n.id, n);
      }
    },
  };
  return { notifier, attempts, stored };
}

const spec = (key: string, p: Partial<RuleSpec<TestSignal>> = {}): RuleSpec<TestSignal> => ({
  name: `rule ${key}`,
  signal: { kind: 'test', key },
  window: '1m',
  condition: { op: '>', threshold: 10 },
  for: '0s',
  keepFiringFor: '0s',
  interval: '1s',
  labels: {},
  annotations: { summary: 'value {{ $value }}' },
  channels: [],
  enabled: true,
  noDataState: 'no_data',
  errorState: 'error',
  ...p,
});

let rules: RulesRepo<TestSignal>;
let states: StateRepo;

function evaluator(
  holder: string,
  notifier: Notifier,
  st: StateRepo = states,
  sig: SignalEvaluator<TestSignal> = signals(),
) {
  const lease = new LeaseKeeper(engine, db, { holder, shards: 4, ttlMs: 3000, now });
  return new Evaluator<TestSignal>({
    db,
    rules,
    states: st,
    signals: sig,
    notifier,
    lease,
    log,
    now,
    rulesRefreshMs: 0,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-alerts-'));
  engine = await openEngine(loadConfig({ dataDir: dir }, {}));
  await migrate(engine, { retentionDays: 30, fsync: false }, log);
  db = createDb(engine);
  await engine.client.command({
    query: `CREATE TABLE ${db.table('test_signal')} (key String, v Float64, t Int64) ENGINE = MergeTree ORDER BY key`,
  });
  rules = createRulesRepo<TestSignal>(engine, db, now);
  states = createStateRepo(engine, db);
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two evaluators on one engine', () => {
  test('split the shards, evaluate each rule once per interval, take over when one stops', async () => {
    clock = Date.now();
    const project = 'lease-test';
    const created = [];
    for (let i = 0; i < 24; i++) created.push(await rules.create(project, spec(`lease-${i}`)));
    const shardsUsed = new Set(created.map((r) => shardOf(r.id, 4)));
    expect(shardsUsed.size).toBe(4);
    const a = evaluator('a', recordingNotifier().notifier);
    const b = evaluator('b', recordingNotifier().notifier);
    calls.length = 0;
    const step = async (evs: Evaluator<TestSignal>[]) => {
      clock += 250;
      for (const e of evs) await e.tick();
    };
    // Leases settle: heartbeats, fair shares, confirmation on a second read.
    for (let i = 0; i < 16; i++) await step([a, b]);
    const held = [a.stats().heldShards, b.stats().heldShards];
    expect(held[0]!.length).toBe(2);
    expect(held[1]!.length).toBe(2);
    expect(new Set([...held[0]!, ...held[1]!]).size).toBe(4);

    calls.length = 0;
    const from = clock;
    for (let i = 0; i < 40; i++) await step([a, b]); // 10 s
    const to = clock;
    const perKey = new Map<string, number[]>();
    for (const c of calls) perKey.set(c.key, [...(perKey.get(c.key) ?? []), c.atMs]);
    expect(perKey.size).toBe(24);
    for (const times of perKey.values()) {
      // One evaluation per 1 s slot: 10 over 10 s (9 or 10 by where the offset falls), never two in one second.
      expect(times.length).toBeGreaterThanOrEqual(9);
      expect(times.length).toBeLessThanOrEqual(10);
      for (let i = 1; i < times.length; i++)
        expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
      for (const t of times) expect(t > from && t <= to).toBe(true);
    }
    expect(a.stats().evaluations).toBeGreaterThan(0);
    expect(b.stats().evaluations).toBeGreaterThan(0);

    // a stops and gives its leases up: b takes every shard over.
    await a.stop();
    for (let i = 0; i < 12; i++) await step([b]);
    expect(b.stats().heldShards).toEqual([0, 1, 2, 3]);
    calls.length = 0;
    for (let i = 0; i < 20; i++) await step([b]);
    const counts = new Map<string, number>();
    for (const c of calls) counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
    expect(counts.size).toBe(24);
    for (const n of counts.values()) expect(n === 4 || n === 5).toBe(true);

    // b dies without releasing: a new evaluator waits for the leases to expire, then takes over.
    const c = evaluator('c', recordingNotifier().notifier);
    await step([c]);
    expect(c.stats().heldShards).toEqual([]);
    for (let i = 0; i < 24; i++) await step([c]);
    expect(c.stats().heldShards).toEqual([0, 1, 2, 3]);
    for (const r of created) await rules.remove(project, r.id);
    await c.stop();
  }, 120_000);
});

describe('state survives a crash and a restart without a duplicate notification', () => {
  test('firing once, resolved once', async () => {
    clock = Date.now() + 3_600_000;
    const project = 'restart-test';
    const rule = await rules.create(
      project,
      spec('restart', { annotations: { summary: 'value {{ $value }}' } }),
    );
    await setSignal('restart', 50);
    const { notifier, attempts, stored } = recordingNotifier();
    // The first process crashes after delivery has the notification and before the state write.
    let crash = true;
    const crashing: StateRepo = {
      ...states,
      async save(s, h) {
        if (crash) {
          crash = false;
          throw new Error('killed before the state write');
        }
        return states.save(s, h);
      },
    };
    const first = evaluator('first', notifier, crashing);
    const until = async (e: Evaluator<TestSignal>, cond: () => boolean) => {
      for (let i = 0; i < 40 && !cond(); i++) {
        clock += 250;
        await e.tick().catch(() => undefined);
      }
      expect(cond()).toBe(true);
    };
    await until(first, () => attempts.length >= 1);
    expect(attempts[0]!.status).toBe('firing');
    expect(attempts[0]!.annotations.summary).toBe('value 50');
    // The next evaluation repeats the same transition with the same id; delivery keeps one.
    await until(first, () => attempts.length >= 2);
    expect(attempts[1]!.id).toBe(attempts[0]!.id);
    expect(stored.size).toBe(1);
    const persisted = (await states.load([rule.id])).get(rule.id);
    expect(persisted?.state).toBe('firing');
    expect(persisted?.seq).toBe(1);
    await first.stop();

    // A new process: the alert is still firing, nothing is sent again.
    const second = evaluator('second', notifier);
    const evals = () => second.stats().evaluations;
    await until(second, () => evals() >= 3);
    expect(stored.size).toBe(1);
    await setSignal('restart', 1);
    await until(second, () => stored.size >= 2);
    const resolved = [...stored.values()][1]!;
    expect(resolved.status).toBe('resolved');
    expect(resolved.id).toBe(`${rule.id}:${resolved.fingerprint}:2`);
    expect(resolved.endsAt).toBeDefined();
    const before = attempts.length;
    await until(second, () => evals() >= 8);
    expect(attempts.length).toBe(before);

    const history = await states.history(project, { limit: 10 });
    expect(history.map((h) => [h.seq, h.from, h.to])).toEqual([
      [2, 'firing', 'resolved'],
      [1, 'inactive', 'firing'],
    ]);
    expect(history[1]!.notificationId).toBe(attempts[0]!.id);
    const list = await states.list(project);
    expect(list.map((s) => [s.state, s.seq, s.value])).toEqual([['resolved', 2, 1]]);
    await second.stop();
  }, 120_000);
});

describe('a lease that expires in the middle of an evaluation', () => {
  test('the late results are dropped; the next holder evaluates from the stored state', async () => {
    clock = Date.now() + 7_200_000;
    const project = 'expiry-test';
    const rule = await rules.create(project, spec('expiry'));
    await setSignal('expiry', 50);
    const stalled = recordingNotifier();
    const x = evaluator('x', stalled.notifier);
    for (let i = 0; i < 8 && x.stats().heldShards.length < 4; i++) {
      clock += 250;
      await x.tick();
    }
    expect(x.stats().heldShards).toEqual([0, 1, 2, 3]);
    // The evaluator stalls past its lease (3 s) while reading the signal.
    duringEvaluation = () => {
      clock += 10_000;
      duringEvaluation = undefined;
    };
    for (let i = 0; i < 8 && calls.every((c) => c.key !== 'expiry'); i++) {
      clock += 250;
      await x.tick();
    }
    expect(calls.some((c) => c.key === 'expiry')).toBe(true);
    expect(stalled.attempts).toEqual([]);
    expect((await states.load([rule.id])).get(rule.id)).toBeUndefined();
    expect(x.stats().heldShards).toEqual([]);

    const next = recordingNotifier();
    const y = evaluator('y', next.notifier);
    for (let i = 0; i < 40 && next.attempts.length === 0; i++) {
      clock += 250;
      await y.tick();
    }
    expect(next.attempts.map((n) => [n.status, n.id.split(':')[2]])).toEqual([['firing', '1']]);
    expect((await states.load([rule.id])).get(rule.id)?.state).toBe('firing');
    await rules.remove(project, rule.id);
    await y.stop();
  }, 120_000);
});

describe('state kept in memory', () => {
  test('is read again after the shard was held by another evaluator in between', async () => {
    clock = Date.now() + 10_800_000;
    const project = 'cache-test';
    const rule = await rules.create(project, spec('cache'));
    await setSignal('cache', 50);
    const aNotes = recordingNotifier();
    const a = evaluator('cache-a', aNotes.notifier);
    const tickUntil = async (evs: Evaluator<TestSignal>[], cond: () => boolean) => {
      for (let i = 0; i < 60 && !cond(); i++) {
        clock += 250;
        for (const e of evs) await e.tick();
      }
      expect(cond()).toBe(true);
    };
    await tickUntil([a], () => aNotes.attempts.length === 1);
    expect(aNotes.attempts[0]!.id.endsWith(':1')).toBe(true);

    // a stalls (no ticks) until its leases expire; b takes over and resolves the alert.
    clock += 10_000;
    await setSignal('cache', 1);
    const bNotes = recordingNotifier();
    const b = evaluator('cache-b', bNotes.notifier);
    await tickUntil([b], () => bNotes.attempts.length === 1);
    expect(bNotes.attempts[0]!.status).toBe('resolved');
    expect(bNotes.attempts[0]!.id.endsWith(':2')).toBe(true);
    await b.stop();

    // a comes back: it must start from the resolved state b wrote, not from its memory.
    await setSignal('cache', 50);
    await tickUntil([a], () => aNotes.attempts.length === 2);
    expect(aNotes.attempts[1]!.status).toBe('firing');
    expect(aNotes.attempts[1]!.id.endsWith(':3')).toBe(true);
    await rules.remove(project, rule.id);
    await a.stop();
  }, 120_000);
});

describe('rules reading the same signal', () => {
  test('share one read per tick, and each steps its own state', async () => {
    clock = Date.now() + 14_400_000;
    const project = 'shared-test';
    await setSignal('same', 50);
    const r1 = await rules.create(project, spec('same', { name: 'same critical' }));
    const r2 = await rules.create(
      project,
      spec('same', { name: 'same never', condition: { op: '>', threshold: 1000 } }),
    );
    const n = recordingNotifier();
    const e = evaluator('shared', n.notifier);
    calls.length = 0;
    for (let i = 0; i < 40 && calls.filter((c) => c.key === 'same').length < 3; i++) {
      clock += 250;
      await e.tick();
    }
    const reads = calls.filter((c) => c.key === 'same').map((c) => c.atMs);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(new Set(reads).size).toBe(reads.length);
    const s = await states.load([r1.id, r2.id]);
    expect(s.get(r1.id)?.state).toBe('firing');
    expect(s.get(r2.id)?.state).toBe('inactive');
    expect(s.get(r1.id)?.lastEvalMs).toBe(s.get(r2.id)?.lastEvalMs);
    expect(n.attempts.map((a) => a.ruleName)).toEqual(['same critical']);
    await rules.remove(project, r1.id);
    await rules.remove(project, r2.id);
    await e.stop();
  }, 120_000);

  test('at a 30 s interval they share a phase, so the signal is read once per interval', async () => {
    clock = Date.now() + 21_600_000;
    const project = 'phase-test';
    await setSignal('phased', 50);
    // Six rules (a warning/critical pair per team, say): ids hash to different phases.
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        rules.create(project, spec('phased', { name: `phased ${i}`, interval: '30s' })),
      ),
    );
    const e = evaluator('phased', recordingNotifier().notifier);
    calls.length = 0;
    for (let i = 0; i < 95; i++) {
      clock += 1000;
      await e.tick();
    }
    const reads = calls.filter((c) => c.key === 'phased').map((c) => c.atMs);
    // Every rule evaluated at each of its slots, all from one read. The first tick only
    // schedules (a rule seen for the first time waits for its next slot), so the other 94 s
    // hold three 30-s slots, or four when the first falls within 4 s of that tick (the
    // clock's start is random against the phase): rules in different phases would read the
    // signal more often than that, and closer together than 30 s.
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < reads.length; i++) expect(reads[i]! - reads[i - 1]!).toBe(30_000);
    expect(new Set(reads.map((t) => t % 30_000)).size).toBe(1);
    const s = await states.load(created.map((r) => r.id));
    expect(new Set(created.map((r) => s.get(r.id)?.lastEvalMs)).size).toBe(1);
    for (const r of created) await rules.remove(project, r.id);
    await e.stop();
  }, 120_000);

  test('distinct signals due together go in one evaluateMany; a failed item errs its rule only', async () => {
    clock = Date.now() + 28_800_000;
    const project = 'batch-test';
    const keys = ['batch-a', 'batch-b', 'batch-c', 'batch-broken'];
    for (const k of keys) await setSignal(k, 50);
    const created = await Promise.all(keys.map((k) => rules.create(project, spec(k))));
    const base = signals();
    const batches: string[][] = [];
    const batching: SignalEvaluator<TestSignal> = {
      ...base,
      async evaluateMany(ctx, items) {
        batches.push(items.map((i) => i.signal.key));
        return Promise.allSettled(
          items.map((i) =>
            i.signal.key === 'batch-broken'
              ? Promise.reject(new Error('the batch lost this one'))
              : base.evaluate(ctx, i.signal, i.window),
          ),
        );
      },
    };
    const e = evaluator('batching', recordingNotifier().notifier, states, batching);
    calls.length = 0;
    // Rules of the other tests may still exist: only this test's keys count.
    const seen = () =>
      new Set(
        batches
          .flat()
          .concat(calls.map((c) => c.key))
          .filter((k) => keys.includes(k)),
      );
    for (let i = 0; i < 80 && (seen().size < keys.length || batches.length < 2); i++) {
      clock += 250;
      await e.tick();
    }
    // Each call reads each signal once; some tick had several due and batched them.
    for (const b of batches) expect(new Set(b).size).toBe(b.length);
    expect(batches.some((b) => b.length >= 2)).toBe(true);
    expect(seen()).toEqual(new Set(keys));
    const s = await states.load(created.map((r) => r.id));
    const stateOf = (k: string) => s.get(created[keys.indexOf(k)]!.id)?.state;
    expect(stateOf('batch-a')).toBe('firing');
    expect(stateOf('batch-b')).toBe('firing');
    expect(stateOf('batch-c')).toBe('firing');
    // Read alone (a tick with only it due) it would be read and fire: only a batch fails it.
    if (batches.some((b) => b.includes('batch-broken')))
      expect(stateOf('batch-broken')).toBe('error');
    for (const r of created) await rules.remove(project, r.id);
    await e.stop();
  }, 120_000);
});
