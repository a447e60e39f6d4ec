/**
 * When each rule is evaluated, pure. A rule with interval `i` is evaluated at the instants
 * `k·i + offset`. The offset is a hash of the rule's *phase key* rounded to a *phase* of the
 * interval (`i / 6`, from 1 s to 10 s): rules with the same interval are spread over it in a
 * few groups instead of all running at once, and the rules of one group run in the same tick,
 * where rules reading the same signal share one read. The evaluator passes the signal read
 * (project, signal, window) as the phase key, so every rule reading one signal lands in the
 * same phase and the signal is read once per interval, not once per phase its rules happened
 * to hash to (with 1,000 rules over 160 signals that was about 4 reads of each per interval).
 * Every collector computes the same instants, so a shard that changes holder keeps its rhythm.
 */

/** Width of the phases a rule's offset is rounded to. */
export function phaseMs(intervalMs: number): number {
  return Math.min(intervalMs, Math.max(1000, Math.min(10_000, Math.floor(intervalMs / 6))));
}

/** Offset of a rule's evaluations within its interval, in ms (FNV-1a 32 of its phase key). */
export function offsetOf(phaseKey: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < phaseKey.length; i++) {
    h ^= phaseKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A second mix so that the shard (the same hash modulo the shard count) and the offset
  // are not correlated.
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  const phase = phaseMs(intervalMs);
  return (h % Math.max(1, Math.floor(intervalMs / phase))) * phase;
}

/** The latest scheduled instant at or before `nowMs`. */
export function slotAt(nowMs: number, intervalMs: number, offsetMs: number): number {
  return Math.floor((nowMs - offsetMs) / intervalMs) * intervalMs + offsetMs;
}

/**
 * Tracks the last slot evaluated per rule and says which rules are due. A rule seen for
 * the first time waits for its next slot, so that a restart (or 1,000 rules loaded at once)
 * does not evaluate everything in the same instant.
 */
export class Schedule {
  private readonly last = new Map<string, number>();

  /**
   * The slot a rule is due for at `nowMs`, or undefined when it is not due. `phaseKey` sets
   * the rule's offset (default: its id); rules with the same key and interval share slots.
   */
  dueSlot(
    ruleId: string,
    intervalMs: number,
    nowMs: number,
    phaseKey: string = ruleId,
  ): number | undefined {
    const slot = slotAt(nowMs, intervalMs, offsetOf(phaseKey, intervalMs));
    const last = this.last.get(ruleId);
    if (last === undefined) {
      this.last.set(ruleId, slot);
      return undefined;
    }
    return slot > last ? slot : undefined;
  }

  /** Records that a rule was evaluated for `slot`. */
  done(ruleId: string, slot: number): void {
    this.last.set(ruleId, slot);
  }

  /** Forgets rules that no longer exist. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.last.keys()) if (!ids.has(id)) this.last.delete(id);
  }
}
