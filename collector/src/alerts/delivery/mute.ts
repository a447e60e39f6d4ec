import type { MaintenanceWindow } from './maintenance-repo.js';
import { matchAll } from './matchers.js';
import { isActive } from './schedule.js';
import type { Silence } from './silences-repo.js';

/** What mutes an alert at an instant, and why (for logs and the API). */
export function muteReason(
  labels: Readonly<Record<string, string>>,
  silences: readonly Silence[],
  windows: readonly MaintenanceWindow[],
  atMs: number,
): string | undefined {
  for (const s of silences)
    if (
      Date.parse(s.startsAt) <= atMs &&
      atMs < Date.parse(s.endsAt) &&
      s.matchers.length > 0 &&
      matchAll(s.matchers, labels)
    )
      return `silence ${s.id}`;
  for (const w of windows)
    if (isActive(w.schedule, atMs) && matchAll(w.matchers, labels))
      return `maintenance window ${w.id}`;
  return undefined;
}
