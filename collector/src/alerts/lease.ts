import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { rowVersion } from './version.js';

/**
 * Evaluator leases in the database (migration 0043), so that with several collectors on one
 * ClickHouse server each rule is evaluated by one of them.
 *
 * The rules are split into `shards` by a hash of their id; a shard's lease is a row
 * `(name, holder, expires_at_ms, version)` and its holder is the row with the highest
 * version (`argMax`). Versions grow with time ({@link rowVersion}), so a later write wins.
 * Every refresh (each `ttlMs / 3`):
 * 1. reads every shard and every member (`member:<holder>` rows, a heartbeat per evaluator);
 * 2. writes, in one insert, its own heartbeat, a renewal of each shard it holds, an
 *    acquisition of each free or expired shard while it holds fewer than its fair share
 *    (`ceil(shards / live members)`), and a release (an expired row) of shards above it;
 * 3. reads back: a shard is held when the latest row names this evaluator. A shard just
 *    acquired is used from the next refresh on, once a second read still names it: two
 *    evaluators that raced for it have by then both seen the same winner.
 *
 * Expiry mid-evaluation: an evaluator stops using a shard as soon as its own clock passes
 * the expiry it wrote (its renewal failed or was late), even before it reads another holder.
 * If it was paused past that point in the middle of an evaluation (GC, a slow query), the
 * new holder may evaluate the same rule once more. Both start from the same persisted state,
 * so they compute the same transition with the same `seq`, hence the same notification id,
 * which delivery stores once; and a state written with an older seq loses on read to the
 * newer one (readers take the highest seq). See docs/alerts.md.
 */
export interface LeaseOptions {
  /** This evaluator's name (unique: host, pid, random). */
  holder: string;
  shards: number;
  ttlMs: number;
  now?: () => number;
}

/** What a refresh read for one lease. */
interface LeaseRow {
  name: string;
  holder: string;
  expires: string | number;
}

/** Shard of a rule id (FNV-1a 32 of the id). */
export function shardOf(ruleId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ruleId.length; i++) {
    h ^= ruleId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** Holds a fair share of the shard leases. */
export class LeaseKeeper {
  readonly holder: string;
  readonly shards: number;
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly table: string;
  /** Shards held, with the expiry this evaluator last wrote for each. */
  private readonly held = new Map<number, number>();
  /** Shards acquired at the last refresh, waiting for a second read. */
  private readonly acquired = new Set<number>();
  /** Per shard, how many times this evaluator started holding it (see {@link epoch}). */
  private readonly epochs = new Map<number, number>();
  private lastRefreshMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly engine: Engine,
    private readonly db: Db,
    opts: LeaseOptions,
  ) {
    this.holder = opts.holder;
    this.shards = opts.shards;
    this.ttlMs = opts.ttlMs;
    this.now = opts.now ?? Date.now;
    this.table = db.table('aiobs_alert_leases');
  }

  /** Whether a refresh is due (a third of the lease time since the last one). */
  due(): boolean {
    return this.now() - this.lastRefreshMs >= this.ttlMs / 3;
  }

  /** Whether this evaluator may evaluate the rules of `shard` now. */
  holds(shard: number): boolean {
    const expires = this.held.get(shard);
    return expires !== undefined && this.now() < expires;
  }

  /**
   * A number that changes each time this evaluator starts holding `shard` again: state
   * cached while holding it is only valid within one epoch (another collector may have
   * evaluated the shard's rules in between).
   */
  epoch(shard: number): number {
    return this.epochs.get(shard) ?? 0;
  }

  /** Shards this evaluator may evaluate now. */
  heldShards(): number[] {
    return [...this.held.keys()].filter((s) => this.holds(s)).sort((a, b) => a - b);
  }

  private async read(): Promise<Map<string, { holder: string; expires: number }>> {
    const rows = await this.db.rows<LeaseRow>(
      `SELECT name, argMax(holder, version) AS holder, argMax(expires_at_ms, version) AS expires
       FROM ${this.table} WHERE startsWith(name, 'shard:') OR startsWith(name, 'member:')
       GROUP BY name`,
    );
    return new Map(rows.map((r) => [r.name, { holder: r.holder, expires: Number(r.expires) }]));
  }

  /** Renews, acquires and releases leases (see the class comment). */
  async refresh(): Promise<void> {
    const t = this.now();
    this.lastRefreshMs = t;
    const before = await this.read();
    const live = (l: { expires: number } | undefined) => l !== undefined && l.expires > t;
    const members = new Set([this.holder]);
    for (const [name, l] of before)
      if (name.startsWith('member:') && live(l)) members.add(l.holder);
    const fair = Math.ceil(this.shards / members.size);
    const mine: number[] = [];
    const free: number[] = [];
    for (let s = 0; s < this.shards; s++) {
      const l = before.get(`shard:${s}`);
      if (live(l) && l!.holder === this.holder) mine.push(s);
      else if (!live(l)) free.push(s);
    }
    const keep = mine.slice(0, fair);
    const release = mine.slice(fair);
    const take = free.slice(0, Math.max(0, fair - keep.length));
    const expires = t + this.ttlMs;
    const row = (name: string, holder: string, exp: number) => ({
      name,
      holder,
      expires_at_ms: exp,
      version: rowVersion(t),
    });
    await this.engine.client.insert({
      table: this.table,
      values: [
        row(`member:${this.holder}`, this.holder, expires),
        ...[...keep, ...take].map((s) => row(`shard:${s}`, this.holder, expires)),
        // Expired as of now, not at 0: the table's TTL keeps a row an hour past its expiry,
        // and a release row dropped early would hand the shard back to the renewal before it.
        ...release.map((s) => row(`shard:${s}`, '', t)),
      ],
      format: 'JSONEachRow',
    });
    const after = await this.read();
    const confirmed = new Set<number>();
    for (let s = 0; s < this.shards; s++)
      if (after.get(`shard:${s}`)?.holder === this.holder) confirmed.add(s);
    const wasAcquired = new Set(this.acquired);
    const wasHeld = new Set(this.heldShards());
    this.held.clear();
    this.acquired.clear();
    for (const s of confirmed) {
      // Held before this refresh, or acquired at the last one and still ours: use it.
      if (keep.includes(s) || wasAcquired.has(s)) {
        this.held.set(s, expires);
        if (!wasHeld.has(s)) this.epochs.set(s, this.epoch(s) + 1);
      } else this.acquired.add(s);
    }
  }

  /** Gives every shard up at once (on shutdown), so another evaluator takes over now. */
  async releaseAll(): Promise<void> {
    const shards = [...new Set([...this.held.keys(), ...this.acquired])];
    this.held.clear();
    this.acquired.clear();
    const t = this.now();
    await this.engine.client.insert({
      table: this.table,
      values: [`member:${this.holder}`, ...shards.map((s) => `shard:${s}`)].map((name) => ({
        name,
        holder: '',
        expires_at_ms: t,
        version: rowVersion(t),
      })),
      format: 'JSONEachRow',
    });
  }
}
