import type { AlertHistoryEntry, AlertRule, AlertStatus } from '../api/types.js';
import { alertLabels, fingerprint, identityLabels } from './notification.js';
import type { StoredRule } from './rules-repo.js';
import type { HistoryEntry, StoredState } from './state-repo.js';

/** Rows and states as the API answers them (`api/types.ts`, "Alerts"). */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A stored rule as the API returns it. */
export function ruleView(rule: StoredRule): AlertRule {
  return {
    id: rule.id,
    project: rule.project,
    ...(rule.spec as Omit<AlertRule, 'id' | 'project' | 'createdAt' | 'updatedAt'>),
    createdAt: new Date(rule.createdAtMs).toISOString(),
    updatedAt: new Date(rule.updatedAtMs).toISOString(),
  };
}

/** A rule's current alert; a rule never evaluated shows as inactive. */
export function alertView(rule: StoredRule, s: StoredState | undefined): AlertStatus {
  return {
    ruleId: rule.id,
    ruleName: rule.spec.name,
    state: s?.state ?? 'inactive',
    severity: s?.severity ?? null,
    labels: alertLabels(rule.spec, s?.severity ?? null),
    annotations: rule.spec.annotations,
    fingerprint: s?.fingerprint ?? fingerprint(identityLabels(rule.spec)),
    value: s?.value ?? null,
    activeAt: iso(s?.activeAtMs ?? null),
    firingSince: iso(s?.firingSinceMs ?? null),
    resolvedAt: iso(s?.resolvedAtMs ?? null),
    lastEvaluatedAt: iso(s?.lastEvalMs ?? null),
    error: s?.error ?? null,
    seq: s?.seq ?? 0,
    enabled: rule.spec.enabled,
  };
}

/** One transition as the API returns it. */
export function historyView(e: HistoryEntry): AlertHistoryEntry {
  return {
    ruleId: e.ruleId,
    ruleName: e.ruleName,
    seq: e.seq,
    time: new Date(e.timeMs).toISOString(),
    from: e.from,
    to: e.to,
    severity: e.severity,
    value: e.value,
    labels: e.labels,
    fingerprint: e.fingerprint,
    notificationId: e.notificationId || null,
  };
}
