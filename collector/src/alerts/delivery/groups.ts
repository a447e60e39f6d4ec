import { createHash } from 'node:crypto';
import type { MessageAlert } from './message.js';

/**
 * Alertmanager-style aggregation groups, as pure functions over plain state (persisted as
 * JSON by the inbox repository). A group holds the alerts of one channel that share the
 * channel's `groupBy` label values:
 *
 * - a new group waits `groupWait` before its first notification (alerts arriving meanwhile
 *   join it);
 * - a change to a group that has notified waits until `groupInterval` after the last one;
 * - a group whose alerts still fire and did not change is notified again every
 *   `repeatInterval`;
 * - a resolved alert is sent once and then leaves the group; a resolved alert the group
 *   never held (it was never notified here) is dropped; an empty group is deleted.
 */

/** An alert as a group holds it. */
export interface GroupAlert extends MessageAlert {
  notificationId: string;
  /** This alert, in its current status, went out in a notification. */
  sent: boolean;
  /** Some status of this alert went out from this group (so its resolution must too). */
  notified?: boolean;
}

/** One group's state. */
export interface GroupState {
  project: string;
  channelId: string;
  /** `{}:{alertname="…",…}`, Alertmanager's group key over the `groupBy` labels. */
  key: string;
  labels: Record<string, string>;
  alerts: Record<string, GroupAlert>;
  createdMs: number;
  /** When the group last notified (0: never). */
  lastFlushMs: number;
  /** When a pending change is due to be sent; null when nothing is pending. */
  nextFlushMs: number | null;
  /** Notifications sent by this group so far; part of the next one's id. */
  seq: number;
}

/** A channel's grouping settings, in milliseconds. */
export interface GroupTimings {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

/** The group labels and key of an alert for a channel's `groupBy`. */
export function groupOf(
  labels: Readonly<Record<string, string>>,
  groupBy: readonly string[],
): { key: string; labels: Record<string, string> } {
  const picked: Record<string, string> = {};
  for (const name of [...groupBy].sort())
    if (labels[name] !== undefined) picked[name] = labels[name]!;
  const inner = Object.entries(picked)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return { key: `{}:{${inner}}`, labels: picked };
}

/**
 * Adds (or updates) an alert in its group; `group` is undefined for a group not yet seen.
 * Returns the new state, or undefined when nothing changes (a resolved alert the group
 * never held, or the same notification applied twice, as after a crash).
 */
export function addAlert(
  group: GroupState | undefined,
  init: { project: string; channelId: string; key: string; labels: Record<string, string> },
  alert: Omit<GroupAlert, 'sent' | 'notified'>,
  nowMs: number,
  t: GroupTimings,
): GroupState | undefined {
  const held = group?.alerts[alert.fingerprint];
  const notified = held ? (held.notified ?? held.sent) : false;
  if (alert.status === 'resolved' && !notified) {
    if (!held || !group) return undefined;
    // Resolved before it was ever sent: it leaves quietly, as Alertmanager's would.
    const { [alert.fingerprint]: _, ...rest } = group.alerts;
    return { ...group, alerts: rest };
  }
  if (held && held.notificationId === alert.notificationId) return undefined;
  const entry: GroupAlert = { ...alert, sent: false, notified };
  if (!group)
    return {
      ...init,
      alerts: { [alert.fingerprint]: entry },
      createdMs: nowMs,
      lastFlushMs: 0,
      nextFlushMs: nowMs + t.groupWaitMs,
      seq: 0,
    };
  const nextFlushMs = group.nextFlushMs ?? Math.max(nowMs, group.lastFlushMs + t.groupIntervalMs);
  return { ...group, alerts: { ...group.alerts, [alert.fingerprint]: entry }, nextFlushMs };
}

/**
 * Whether the group should notify now: a pending change is due, an alert not yet sent is
 * visible again (its silence ended) and `groupInterval` has passed, or firing alerts are due
 * for their `repeatInterval` reminder.
 */
export function isDue(
  g: GroupState,
  nowMs: number,
  t: GroupTimings,
  muted: (a: GroupAlert) => boolean,
): boolean {
  if (g.nextFlushMs !== null) return nowMs >= g.nextFlushMs;
  const visible = Object.values(g.alerts).filter((a) => !muted(a));
  if (visible.some((a) => !a.sent) && nowMs >= g.lastFlushMs + t.groupIntervalMs) return true;
  return (
    visible.some((a) => a.status === 'firing') &&
    g.lastFlushMs > 0 &&
    nowMs >= g.lastFlushMs + t.repeatIntervalMs
  );
}

/**
 * Flushes a due group: the alerts to send (muted ones left out), the id of the notification
 * (stable for this group and flush, so a flush repeated after a crash makes the same id and
 * the outbox keeps one), and the state after (undefined: the group is empty and ends).
 */
export function flush(
  g: GroupState,
  nowMs: number,
  muted: (a: GroupAlert) => boolean,
): { id: string; alerts: GroupAlert[]; next: GroupState | undefined } {
  const visible = Object.values(g.alerts).filter((a) => !muted(a));
  const alerts: Record<string, GroupAlert> = {};
  for (const a of Object.values(g.alerts)) {
    const shown = !muted(a);
    // A resolved alert leaves once sent, or at once when muted (its firing was muted too).
    if (a.status === 'resolved') continue;
    alerts[a.fingerprint] = shown ? { ...a, sent: true, notified: true } : a;
  }
  const hash = createHash('sha256')
    .update(`${g.project}\n${g.channelId}\n${g.key}\n${g.createdMs}\n${g.seq}`)
    .digest('hex');
  const next: GroupState = { ...g, alerts, lastFlushMs: nowMs, nextFlushMs: null, seq: g.seq + 1 };
  return {
    id: `msg_${hash.slice(0, 32)}`,
    alerts: visible,
    next: Object.keys(alerts).length > 0 ? next : undefined,
  };
}
