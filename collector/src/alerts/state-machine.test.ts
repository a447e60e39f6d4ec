import { describe, expect, test } from 'vitest';
import { outcomeOf } from './level.js';
import {
  INITIAL_STATE,
  type InstanceState,
  type LifecyclePolicy,
  type Outcome,
  RESOLVED_RETENTION_MS,
  stepAlert,
} from './state-machine.js';

const S = 1000;
const policy = (p: Partial<LifecyclePolicy> = {}): LifecyclePolicy => ({
  forMs: 0,
  keepFiringForMs: 0,
  noDataState: 'no_data',
  errorState: 'error',
  ...p,
});
const crit = (value = 10): Outcome => ({ kind: 'sample', level: 'critical', value });
const warn = (value = 5): Outcome => ({ kind: 'sample', level: 'warning', value });
const ok = (value = 1): Outcome => ({ kind: 'sample', level: null, value });
const noData: Outcome = { kind: 'no_data' };
const failed: Outcome = { kind: 'error', message: 'engine down' };

/** Runs outcomes at 0, 1 s, 2 s, ... and returns each step's state and notification. */
function run(p: LifecyclePolicy, outcomes: Outcome[], from: InstanceState = INITIAL_STATE) {
  let s = from;
  return outcomes.map((o, i) => {
    const t = stepAlert(s, o, i * S, p);
    s = t.next;
    return { state: t.next.state, notify: t.notify, seq: t.next.seq, next: t.next };
  });
}
const states = (r: ReturnType<typeof run>) => r.map((x) => x.state);
const notes = (r: ReturnType<typeof run>) => r.map((x) => x.notify);

describe('stepAlert', () => {
  test('for = 0: inactive → firing at the first breach, → resolved when it clears', () => {
    const r = run(policy(), [ok(), crit(), crit(), ok()]);
    expect(states(r)).toEqual(['inactive', 'firing', 'firing', 'resolved']);
    expect(notes(r)).toEqual([null, 'firing', null, 'resolved']);
    expect(r.map((x) => x.seq)).toEqual([0, 1, 1, 2]);
    expect(r[1]!.next.firingSinceMs).toBe(1 * S);
    expect(r[3]!.next.resolvedAtMs).toBe(3 * S);
  });

  test('for: pending until the breach has lasted for, then firing', () => {
    const r = run(policy({ forMs: 2 * S }), [crit(), crit(), crit(), crit()]);
    expect(states(r)).toEqual(['pending', 'pending', 'firing', 'firing']);
    expect(notes(r)).toEqual([null, null, 'firing', null]);
    expect(r[2]!.next.activeAtMs).toBe(0);
    expect(r[2]!.next.firingSinceMs).toBe(2 * S);
  });

  test('pending → inactive when the breach stops before for, and the clock restarts', () => {
    const r = run(policy({ forMs: 2 * S }), [crit(), ok(), crit(), crit(), crit()]);
    expect(states(r)).toEqual(['pending', 'inactive', 'pending', 'pending', 'firing']);
    expect(notes(r)).toEqual([null, null, null, null, 'firing']);
    expect(r[4]!.next.activeAtMs).toBe(2 * S);
  });

  test('keepFiringFor cuts a flap: one firing and one resolved', () => {
    const p = policy({ keepFiringForMs: 3 * S });
    const r = run(p, [crit(), ok(), crit(), ok(), ok(), ok(), ok()]);
    expect(states(r)).toEqual([
      'firing',
      'firing',
      'firing',
      'firing',
      'firing',
      'resolved',
      'resolved',
    ]);
    expect(notes(r).filter(Boolean)).toEqual(['firing', 'resolved']);
    // Resolved 3 s after the last breach (at 2 s), not after the first clear evaluation.
    expect(r[5]!.next.resolvedAtMs).toBe(5 * S);
  });

  test('without keepFiringFor the same flap notifies every change', () => {
    const r = run(policy(), [crit(), ok(), crit(), ok()]);
    expect(notes(r)).toEqual(['firing', 'resolved', 'firing', 'resolved']);
    expect(r.map((x) => x.seq)).toEqual([1, 2, 3, 4]);
  });

  test('resolved stays visible for the retention, then becomes inactive quietly', () => {
    let s = run(policy(), [crit(), ok()])[1]!.next;
    const p = policy();
    const kept = stepAlert(s, ok(), 1 * S + RESOLVED_RETENTION_MS - 1, p);
    expect(kept.next.state).toBe('resolved');
    expect(kept.changed).toBe(false);
    s = kept.next;
    const gone = stepAlert(s, ok(), 1 * S + RESOLVED_RETENTION_MS, p);
    expect(gone.next.state).toBe('inactive');
    expect(gone.notify).toBeNull();
    expect(gone.changed).toBe(true);
  });

  test('resolved → pending → firing again starts a new alert', () => {
    const r = run(policy({ forMs: S }), [crit(), crit(), ok(), crit(), crit()]);
    expect(states(r)).toEqual(['pending', 'firing', 'resolved', 'pending', 'firing']);
    expect(r[4]!.next.firingSinceMs).toBe(4 * S);
    expect(r[4]!.next.resolvedAtMs).toBeNull();
  });

  test('severity change while firing is notified; while pending it is not', () => {
    const r = run(policy({ forMs: S }), [warn(), crit(), crit(), warn(), warn(), crit()]);
    expect(states(r)).toEqual(['pending', 'firing', 'firing', 'firing', 'firing', 'firing']);
    expect(r.map((x) => x.next.severity)).toEqual([
      'warning',
      'critical',
      'critical',
      'warning',
      'warning',
      'critical',
    ]);
    expect(notes(r)).toEqual([null, 'firing', null, 'firing', null, 'firing']);
  });

  test('warning only: fires as warning', () => {
    const r = run(policy(), [warn()]);
    expect(r[0]!.next.severity).toBe('warning');
    expect(r[0]!.notify).toBe('firing');
  });

  describe('no data', () => {
    test('no_data (default): inactive → no_data → inactive, no notifications', () => {
      const r = run(policy(), [noData, noData, ok()]);
      expect(states(r)).toEqual(['no_data', 'no_data', 'inactive']);
      expect(notes(r)).toEqual([null, null, null]);
      expect(r.map((x) => x.seq)).toEqual([1, 1, 2]);
    });
    test('no_data: pending resets', () => {
      const r = run(policy({ forMs: 5 * S }), [crit(), noData, crit()]);
      expect(states(r)).toEqual(['pending', 'no_data', 'pending']);
      expect(r[2]!.next.activeAtMs).toBe(2 * S);
    });
    test('no_data: a firing alert resolves (after keepFiringFor)', () => {
      const r = run(policy({ keepFiringForMs: 2 * S }), [crit(), noData, noData, noData]);
      expect(states(r)).toEqual(['firing', 'firing', 'no_data', 'no_data']);
      expect(notes(r)).toEqual(['firing', null, 'resolved', null]);
    });
    test('noDataState ok: treated as a clear evaluation', () => {
      const r = run(policy({ noDataState: 'ok' }), [crit(), noData]);
      expect(states(r)).toEqual(['firing', 'resolved']);
    });
    test('noDataState alerting: treated as a critical breach, through for', () => {
      const r = run(policy({ noDataState: 'alerting', forMs: S }), [noData, noData]);
      expect(states(r)).toEqual(['pending', 'firing']);
      expect(r[1]!.next.severity).toBe('critical');
      expect(r[1]!.notify).toBe('firing');
    });
  });

  describe('error', () => {
    test('error (default): inactive → error with the message → recovers', () => {
      const r = run(policy(), [failed, ok()]);
      expect(states(r)).toEqual(['error', 'inactive']);
      expect(r[0]!.next.error).toBe('engine down');
      expect(r[1]!.next.error).toBeNull();
      expect(notes(r)).toEqual([null, null]);
    });
    test('error: a firing alert keeps firing, keeps its value, records the error', () => {
      const r = run(policy(), [crit(42), failed, crit()]);
      expect(states(r)).toEqual(['firing', 'firing', 'firing']);
      expect(notes(r)).toEqual(['firing', null, null]);
      expect(r[1]!.next.error).toBe('engine down');
      expect(r[1]!.next.value).toBe(42);
      expect(r[1]!.seq).toBe(1);
    });
    test('error: pending goes to error', () => {
      expect(states(run(policy({ forMs: 5 * S }), [crit(), failed]))).toEqual(['pending', 'error']);
    });
    test('errorState alerting fires; errorState ok resolves', () => {
      expect(states(run(policy({ errorState: 'alerting' }), [failed]))).toEqual(['firing']);
      expect(states(run(policy({ errorState: 'ok' }), [crit(), failed]))).toEqual([
        'firing',
        'resolved',
      ]);
    });
  });

  test('the step is pure: the previous state is not modified', () => {
    const prev = { ...INITIAL_STATE };
    stepAlert(prev, crit(), 0, policy());
    expect(prev).toEqual(INITIAL_STATE);
  });
});

describe('outcomeOf', () => {
  const cond = { op: '>' as const, threshold: 2000, warning: 1500 };
  test('threshold and warning', () => {
    expect(outcomeOf({ value: 2500 }, cond)).toEqual({
      kind: 'sample',
      level: 'critical',
      value: 2500,
    });
    expect(outcomeOf({ value: 1600 }, cond)).toEqual({
      kind: 'sample',
      level: 'warning',
      value: 1600,
    });
    expect(outcomeOf({ value: 2000 }, cond)).toEqual({
      kind: 'sample',
      level: 'warning',
      value: 2000,
    });
    expect(outcomeOf({ value: 100 }, cond)).toEqual({ kind: 'sample', level: null, value: 100 });
  });
  test('every op', () => {
    const at = (op: '>' | '>=' | '<' | '<=' | '==' | '!=', v: number) =>
      outcomeOf({ value: v }, { op, threshold: 1 }).kind === 'sample' &&
      (outcomeOf({ value: v }, { op, threshold: 1 }) as { level: unknown }).level === 'critical';
    expect([at('>', 1), at('>=', 1), at('<', 1), at('<=', 1), at('==', 1), at('!=', 1)]).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect([at('>', 2), at('<', 0), at('!=', 0)]).toEqual([true, true, true]);
  });
  test('no value is no data; the signal’s own verdict wins', () => {
    expect(outcomeOf({ value: null }, cond)).toEqual({ kind: 'no_data' });
    expect(outcomeOf({ value: null, breach: 'firing' }, undefined)).toEqual({
      kind: 'sample',
      level: 'critical',
      value: null,
    });
    expect(outcomeOf({ value: 3, breach: 'warning' }, undefined)).toEqual({
      kind: 'sample',
      level: 'warning',
      value: 3,
    });
    expect(outcomeOf({ value: 3, breach: 'ok' }, cond)).toEqual({
      kind: 'sample',
      level: null,
      value: 3,
    });
  });
});
