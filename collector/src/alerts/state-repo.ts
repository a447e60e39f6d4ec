import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import type { AlertStateName, InstanceState, Severity } from './state-machine.js';

/** A rule's persisted alert state with what identifies it. */
export interface StoredState extends InstanceState {
  project: string;
  ruleId: string;
  fingerprint: string;
  labels: Record<string, string>;
}

/** One transition of a rule's alert. */
export interface HistoryEntry {
  project: string;
  ruleId: string;
  ruleName: string;
  seq: number;
  timeMs: number;
  fingerprint: string;
  from: AlertStateName;
  to: AlertStateName;
  severity: Severity | null;
  value: number | null;
  labels: Record<string, string>;
  /** Id of the notification sent for it; empty when none was. */
  notificationId: string;
}

/** Current state and history of alerts (migrations 0041, 0042). */
export interface StateRepo {
  /** Latest state of each of these rules (by id; ids are UUIDs, unique over projects). */
  load(ruleIds: readonly string[]): Promise<Map<string, StoredState>>;
  /** Latest state of each rule of a project. */
  list(project: string): Promise<StoredState[]>;
  save(states: readonly StoredState[], holder: string): Promise<void>;
  appendHistory(entries: readonly HistoryEntry[]): Promise<void>;
  /** Transitions, newest first, after the cursor `(timeMs, ruleId, seq)`. */
  history(
    project: string,
    opts: { ruleId?: string; limit: number; after?: [number, string, number] },
  ): Promise<HistoryEntry[]>;
}

interface StateRow {
  project_id: string;
  rule_id: string;
  fingerprint: string;
  seq: string | number;
  state: AlertStateName;
  severity: string;
  value: number | null;
  active_at_ms: string | number;
  firing_since_ms: string | number;
  last_breach_ms: string | number;
  resolved_at_ms: string | number;
  evaluated_at_ms: string | number;
  error: string;
  labels: Record<string, string>;
}

interface HistoryRow {
  project_id: string;
  rule_id: string;
  rule_name: string;
  seq: string | number;
  time_ms: string | number;
  fingerprint: string;
  from_state: AlertStateName;
  to_state: AlertStateName;
  severity: string;
  value: number | null;
  labels: Record<string, string>;
  notification_id: string;
}

const msOrNull = (v: string | number) => (Number(v) === 0 ? null : Number(v));
const severityOf = (s: string): Severity | null => (s === 'critical' || s === 'warning' ? s : null);

function toState(r: StateRow): StoredState {
  return {
    project: r.project_id,
    ruleId: r.rule_id,
    fingerprint: r.fingerprint,
    labels: r.labels,
    state: r.state,
    severity: severityOf(r.severity),
    seq: Number(r.seq),
    activeAtMs: msOrNull(r.active_at_ms),
    firingSinceMs: msOrNull(r.firing_since_ms),
    lastBreachMs: msOrNull(r.last_breach_ms),
    resolvedAtMs: msOrNull(r.resolved_at_ms),
    value: r.value === null ? null : Number(r.value),
    lastEvalMs: msOrNull(r.evaluated_at_ms),
    error: r.error === '' ? null : r.error,
  };
}

function toEntry(r: HistoryRow): HistoryEntry {
  return {
    project: r.project_id,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    seq: Number(r.seq),
    timeMs: Number(r.time_ms),
    fingerprint: r.fingerprint,
    from: r.from_state,
    to: r.to_state,
    severity: severityOf(r.severity),
    value: r.value === null ? null : Number(r.value),
    labels: r.labels,
    notificationId: r.notification_id,
  };
}

/** Creates the repository. */
export function createStateRepo(engine: Engine, db: Db): StateRepo {
  const state = db.table('aiobs_alert_state');
  const history = db.table('aiobs_alert_history');
  // The highest seq wins; among writes of one seq, the latest evaluation.
  const latest = (where: string) => `SELECT * FROM ${state} WHERE ${where}
    ORDER BY project_id, rule_id, seq DESC, evaluated_at_ms DESC
    LIMIT 1 BY project_id, rule_id`;
  return {
    async load(ruleIds) {
      if (ruleIds.length === 0) return new Map();
      const rows = await db.rows<StateRow>(latest('rule_id IN {ids:Array(String)}'), {
        ids: ruleIds,
      });
      return new Map(rows.map((r) => [r.rule_id, toState(r)]));
    },
    async list(project) {
      const rows = await db.rows<StateRow>(latest('project_id = {project:String}'), { project });
      return rows.map(toState);
    },
    async save(states, holder) {
      if (states.length === 0) return;
      await engine.client.insert({
        table: state,
        values: states.map((s) => ({
          project_id: s.project,
          rule_id: s.ruleId,
          fingerprint: s.fingerprint,
          seq: s.seq,
          state: s.state,
          severity: s.severity ?? '',
          value: s.value !== null && Number.isFinite(s.value) ? s.value : null,
          active_at_ms: s.activeAtMs ?? 0,
          firing_since_ms: s.firingSinceMs ?? 0,
          last_breach_ms: s.lastBreachMs ?? 0,
          resolved_at_ms: s.resolvedAtMs ?? 0,
          evaluated_at_ms: s.lastEvalMs ?? 0,
          error: s.error ?? '',
          labels: s.labels,
          holder,
        })),
        format: 'JSONEachRow',
      });
    },
    async appendHistory(entries) {
      if (entries.length === 0) return;
      await engine.client.insert({
        table: history,
        values: entries.map((e) => ({
          project_id: e.project,
          rule_id: e.ruleId,
          rule_name: e.ruleName,
          seq: e.seq,
          time_ms: e.timeMs,
          fingerprint: e.fingerprint,
          from_state: e.from,
          to_state: e.to,
          severity: e.severity ?? '',
          value: e.value !== null && Number.isFinite(e.value) ? e.value : null,
          labels: e.labels,
          notification_id: e.notificationId,
        })),
        format: 'JSONEachRow',
      });
    },
    async history(project, { ruleId, limit, after }) {
      const where = ['project_id = {project:String}'];
      if (ruleId !== undefined) where.push('rule_id = {ruleId:String}');
      if (after) where.push('(time_ms, rule_id, seq) < ({t:Int64}, {r:String}, {s:UInt64})');
      const rows = await db.rows<HistoryRow>(
        `SELECT * FROM ${history} FINAL WHERE ${where.join(' AND ')}
         ORDER BY time_ms DESC, rule_id DESC, seq DESC LIMIT {limit:UInt32}`,
        { project, ruleId, limit, t: after?.[0], r: after?.[1], s: after?.[2] },
      );
      return rows.map(toEntry);
    },
  };
}
