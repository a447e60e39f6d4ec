import type { Condition, SignalPoint } from './contract.js';
import { outcomeOf } from './level.js';
import {
  type AlertStateName,
  INITIAL_STATE,
  type LifecyclePolicy,
  type Severity,
  stepAlert,
} from './state-machine.js';

/** A preview point: the signal's sample and what the rule made of it. */
export interface PreviewPoint extends SignalPoint {
  /** The rule's state after this evaluation. */
  state: AlertStateName;
  /** The level this sample alone reaches (null: not breaching, or no data). */
  level: Severity | null;
}

/** A span of time the rule would have been firing. */
export interface FiringInterval {
  from: string;
  /** Null when still firing at the end of the range. */
  to: string | null;
  /** The highest severity reached while firing. */
  severity: Severity;
}

/**
 * Replays a rule over the preview series, pure: each point is an evaluation at its time,
 * stepped through the same state machine as the live evaluator (so `for` and
 * `keepFiringFor` shape the intervals), and the spans where it fired are collected.
 */
export function replayRule(
  points: readonly SignalPoint[],
  condition: Condition | undefined,
  policy: LifecyclePolicy,
): { points: PreviewPoint[]; firing: FiringInterval[] } {
  let state = INITIAL_STATE;
  const out: PreviewPoint[] = [];
  const firing: FiringInterval[] = [];
  let open: FiringInterval | undefined;
  for (const p of points) {
    const outcome = outcomeOf(p, condition);
    const t = stepAlert(state, outcome, Date.parse(p.time), policy);
    state = t.next;
    const level = outcome.kind === 'sample' ? outcome.level : null;
    out.push({ ...p, state: state.state, level });
    if (state.state === 'firing') {
      if (!open) {
        open = { from: p.time, to: null, severity: state.severity ?? 'critical' };
        firing.push(open);
      } else if (state.severity === 'critical') open.severity = 'critical';
    } else if (open) {
      open.to = p.time;
      open = undefined;
    }
  }
  return { points: out, firing };
}
