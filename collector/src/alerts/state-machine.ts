import type { ErrorState, NoDataState } from './rule-schema.js';

/**
 * The alert lifecycle of one rule instance, pure: given the previous state, what one
 * evaluation found and when, it returns the next state and whether people are told.
 *
 * Semantics follow Prometheus (`rules/alerting.go`) and Grafana:
 * - a breach makes an inactive alert `pending`; it fires once it has breached for `for`
 *   (at once when `for` is 0);
 * - a firing alert whose condition clears keeps firing until `keepFiringFor` has passed
 *   since its last breach (so a flapping signal does not resolve and re-fire), then
 *   `resolved`; a pending alert whose condition clears goes back to `inactive`;
 * - `resolved` is kept for {@link RESOLVED_RETENTION_MS} (Prometheus' `resolvedRetention`)
 *   so that it can be seen, then becomes `inactive`;
 * - no data and errors follow the rule's `noDataState`/`errorState`: `ok` treats them as a
 *   clear evaluation, `alerting` as a breach (through `for`), `no_data`/`error` put the
 *   alert in that state. A firing alert that sees no data resolves (after `keepFiringFor`);
 *   one whose evaluation fails keeps firing, because a failed read says nothing about the
 *   signal and must not send a resolve/fire pair per outage.
 * - A severity change while firing (warning ↔ critical) is a transition and is notified.
 */

/** The states of an alert instance. */
export type AlertStateName = 'inactive' | 'pending' | 'firing' | 'resolved' | 'no_data' | 'error';

/** How bad a breach is: over the warning threshold only, or over the threshold. */
export type Severity = 'critical' | 'warning';

/** How long a resolved alert stays visible before it becomes inactive (as Prometheus). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** The persisted state of one alert instance. */
export interface InstanceState {
  state: AlertStateName;
  /** Severity while pending or firing, else null. */
  severity: Severity | null;
  /** Transition counter: part of each notification's id, so a re-send is recognised. */
  seq: number;
  /** When the current breach began (pending since), Unix ms. */
  activeAtMs: number | null;
  /** When the alert started firing (the notification's `startsAt`). */
  firingSinceMs: number | null;
  /** Last evaluation that breached (for `keepFiringFor`). */
  lastBreachMs: number | null;
  /** When it resolved. */
  resolvedAtMs: number | null;
  /** The value of the last evaluation. */
  value: number | null;
  /** Time of the last evaluation. */
  lastEvalMs: number | null;
  /** The message of the failed evaluation while in `error`. */
  error: string | null;
}

/** The state of an instance never evaluated. */
export const INITIAL_STATE: InstanceState = Object.freeze({
  state: 'inactive',
  severity: null,
  seq: 0,
  activeAtMs: null,
  firingSinceMs: null,
  lastBreachMs: null,
  resolvedAtMs: null,
  value: null,
  lastEvalMs: null,
  error: null,
});

/** What one evaluation found. */
export type Outcome =
  /** A value (possibly null for "no value", with a level decided by the signal). */
  | { kind: 'sample'; level: Severity | null; value: number | null }
  | { kind: 'no_data' }
  | { kind: 'error'; message: string };

/** The rule's settings the lifecycle needs. */
export interface LifecyclePolicy {
  forMs: number;
  keepFiringForMs: number;
  noDataState: NoDataState;
  errorState: ErrorState;
}

/** The result of one step. */
export interface Transition {
  from: AlertStateName;
  next: InstanceState;
  /** The state or the firing severity changed: `next.seq` is one more than before. */
  changed: boolean;
  /** What to tell people about, if anything. */
  notify: 'firing' | 'resolved' | null;
}

type Effective =
  | { kind: 'breach'; severity: Severity; value: number | null }
  | { kind: 'clear'; value: number | null }
  | { kind: 'no_data' }
  | { kind: 'error'; message: string };

function effective(outcome: Outcome, policy: LifecyclePolicy): Effective {
  if (outcome.kind === 'sample')
    return outcome.level
      ? { kind: 'breach', severity: outcome.level, value: outcome.value }
      : { kind: 'clear', value: outcome.value };
  const mode = outcome.kind === 'no_data' ? policy.noDataState : policy.errorState;
  if (mode === 'ok') return { kind: 'clear', value: null };
  if (mode === 'alerting') return { kind: 'breach', severity: 'critical', value: null };
  return outcome;
}

/**
 * One evaluation of a rule instance at `atMs`.
 *
 * @example
 * const t = stepAlert(INITIAL_STATE, { kind: 'sample', level: 'critical', value: 2300 }, now,
 *   { forMs: 120_000, keepFiringForMs: 300_000, noDataState: 'no_data', errorState: 'error' });
 * t.next.state; // 'pending'
 */
export function stepAlert(
  prev: InstanceState,
  outcome: Outcome,
  atMs: number,
  policy: LifecyclePolicy,
): Transition {
  const e = effective(outcome, policy);
  const base: InstanceState = {
    ...prev,
    lastEvalMs: atMs,
    value: e.kind === 'breach' || e.kind === 'clear' ? e.value : null,
    error: null,
  };
  const to = (patch: Partial<InstanceState>, notify: Transition['notify'] = null): Transition => {
    const next = { ...base, ...patch };
    const changed =
      next.state !== prev.state || (next.state === 'firing' && next.severity !== prev.severity);
    if (changed) next.seq = prev.seq + 1;
    return { from: prev.state, next, changed, notify: changed ? notify : null };
  };
  const keptFiring = () =>
    prev.lastBreachMs !== null && atMs - prev.lastBreachMs < policy.keepFiringForMs;

  switch (e.kind) {
    case 'breach': {
      if (prev.state === 'firing')
        return to({ severity: e.severity, lastBreachMs: atMs }, 'firing');
      const activeAtMs = prev.state === 'pending' ? (prev.activeAtMs ?? atMs) : atMs;
      if (atMs - activeAtMs >= policy.forMs)
        return to(
          {
            state: 'firing',
            severity: e.severity,
            activeAtMs,
            firingSinceMs: atMs,
            lastBreachMs: atMs,
            resolvedAtMs: null,
          },
          'firing',
        );
      return to({
        state: 'pending',
        severity: e.severity,
        activeAtMs,
        lastBreachMs: atMs,
        resolvedAtMs: null,
      });
    }
    case 'clear': {
      if (prev.state === 'firing') {
        if (keptFiring()) return to({});
        return to(
          { state: 'resolved', severity: null, resolvedAtMs: atMs, activeAtMs: null },
          'resolved',
        );
      }
      if (prev.state === 'resolved' && atMs - (prev.resolvedAtMs ?? atMs) < RESOLVED_RETENTION_MS)
        return to({});
      return to({ state: 'inactive', severity: null, activeAtMs: null });
    }
    case 'no_data': {
      if (prev.state === 'firing') {
        if (keptFiring()) return to({});
        return to(
          { state: 'no_data', severity: null, resolvedAtMs: atMs, activeAtMs: null },
          'resolved',
        );
      }
      return to({ state: 'no_data', severity: null, activeAtMs: null });
    }
    case 'error': {
      if (prev.state === 'firing') return to({ error: e.message, value: prev.value });
      return to({ state: 'error', severity: null, activeAtMs: null, error: e.message });
    }
  }
}
