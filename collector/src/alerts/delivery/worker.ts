import type { Logger } from '../../logger.js';
import type { AlertNotification } from '../contract.js';
import type { ChannelsRepo, StoredChannel } from './channels-repo.js';
import { parseDurationMs } from './duration.js';
import { RENDERERS } from './formats.js';
import {
  addAlert,
  flush,
  type GroupAlert,
  type GroupState,
  type GroupTimings,
  groupOf,
  isDue,
} from './groups.js';
import type { InboxRepo } from './inbox-repo.js';
import type { MaintenanceRepo } from './maintenance-repo.js';
import { matchAll } from './matchers.js';
import { buildMessage, type MessageAlert, ZERO_TIME } from './message.js';
import { muteReason } from './mute.js';
import type { Delivery, OutboxRepo } from './outbox-repo.js';
import type { AttemptReport, Sender } from './sender.js';
import type { SilencesRepo } from './silences-repo.js';

/** What the worker needs. */
export interface WorkerDeps {
  inbox: InboxRepo;
  outbox: OutboxRepo;
  channels: ChannelsRepo;
  silences: SilencesRepo;
  maintenance: MaintenanceRepo;
  send: Sender;
  log: Logger;
  /** Dashboard address for links (`--public-url`), without a trailing slash. */
  publicUrl?: string;
  /** How often the worker looks for work (default 200 ms). */
  tickMs?: number;
  /** Deliveries attempted at once (default 8). */
  concurrency?: number;
  /** How long channels, silences and windows are cached (default {@link CACHE_MS}). */
  cacheMs?: number;
}

/** Channels, silences and windows are re-read at most this often while work needs them. */
const CACHE_MS = 1_000;

/** A channel's grouping timings in milliseconds. */
export function timingsOf(c: StoredChannel): GroupTimings {
  return {
    groupWaitMs: parseDurationMs(c.spec.groupWait) ?? 30_000,
    groupIntervalMs: parseDurationMs(c.spec.groupInterval) ?? 300_000,
    repeatIntervalMs: parseDurationMs(c.spec.repeatInterval) ?? 4 * 3_600_000,
  };
}

/** A notification as an alert of a message, with dashboard links filled in when missing. */
export function toMessageAlert(n: AlertNotification, publicUrl?: string): MessageAlert {
  return {
    status: n.status,
    labels: n.labels,
    annotations: n.annotations,
    startsAt: n.startsAt,
    endsAt: n.status === 'resolved' ? (n.endsAt ?? new Date().toISOString()) : ZERO_TIME,
    generatorURL:
      n.generatorUrl ??
      (publicUrl ? `${publicUrl}/alerts?rule=${encodeURIComponent(n.ruleId)}` : ''),
    fingerprint: n.fingerprint,
    value: n.value,
    topTraces: n.topTraces.map((t) => ({
      traceId: t.traceId,
      durationMs: t.durationMs,
      ...(t.url
        ? { url: t.url }
        : publicUrl
          ? { url: `${publicUrl}/traces/view?id=${encodeURIComponent(t.traceId)}` }
          : {}),
    })),
  };
}

/**
 * The delivery worker: routes enqueued notifications into their channels' groups, flushes
 * due groups into the outbox, and attempts due deliveries, all on one timer, one tick at a
 * time. At start it resumes from the tables: notifications not yet routed, live groups, and
 * pending deliveries (attempted at once: the process that owed them is gone). Each step
 * writes its result before the step that consumes it, and the ids involved are stable, so
 * a crash between two writes repeats work without sending twice.
 */
export function createWorker(deps: WorkerDeps) {
  const { log } = deps;
  const tickMs = deps.tickMs ?? 200;
  const concurrency = deps.concurrency ?? 8;
  const cacheMs = deps.cacheMs ?? CACHE_MS;
  const queue: AlertNotification[] = [];
  const groups = new Map<string, GroupState>();
  const deliveries = new Map<string, Delivery>();
  const inFlight = new Set<string>();
  const running = new Set<Promise<unknown>>();
  const channelCache = new Map<string, { at: number; list: StoredChannel[] }>();
  const muteCache = new Map<
    string,
    { at: number; fn: (labels: Record<string, string>) => string | undefined }
  >();
  /** Bumped by forget(): a read that started before it must not fill the cache. */
  const generations = new Map<string, number>();
  const generation = (project: string) => generations.get(project) ?? 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let started = false;
  let loaded = false;
  let current: Promise<void> = Promise.resolve();
  let enqueueChain: Promise<void> = Promise.resolve();

  async function channelsOf(project: string, fresh = false): Promise<StoredChannel[]> {
    const hit = channelCache.get(project);
    if (!fresh && hit && Date.now() - hit.at < cacheMs) return hit.list;
    const g = generation(project);
    const list = await deps.channels.list(project);
    if (generation(project) === g) channelCache.set(project, { at: Date.now(), list });
    return list;
  }

  async function mutesOf(project: string, now: number) {
    const hit = muteCache.get(project);
    if (hit && now - hit.at < cacheMs) return hit.fn;
    const g = generation(project);
    const [silences, windows] = await Promise.all([
      deps.silences.list(project, now),
      deps.maintenance.list(project),
    ]);
    const fn = (labels: Record<string, string>) =>
      muteReason(labels, silences, windows, Date.now());
    if (generation(project) === g) muteCache.set(project, { at: now, fn });
    return fn;
  }

  const groupId = (g: { project: string; channelId: string; key: string }) =>
    `${g.project}\n${g.channelId}\n${g.key}`;

  async function route(n: AlertNotification, now: number) {
    let channels = await channelsOf(n.project);
    // A channel created after the cache was filled (a rule naming it fired within a second)
    // is not unknown: re-read before dropping the notification for it.
    if (n.channels.some((id) => !channels.some((c) => c.id === id)))
      channels = await channelsOf(n.project, true);
    const targets = channels.filter(
      (c) =>
        n.channels.includes(c.id) ||
        (c.spec.matchers.length > 0 && matchAll(c.spec.matchers, n.labels)),
    );
    const unknown = n.channels.filter((id) => !channels.some((c) => c.id === id));
    if (unknown.length > 0)
      log.warn({ notificationId: n.id, unknown }, 'alert names channels that do not exist');
    const alert = { ...toMessageAlert(n, deps.publicUrl), notificationId: n.id };
    for (const c of targets) {
      const { key, labels } = groupOf(n.labels, c.spec.groupBy);
      const init = { project: n.project, channelId: c.id, key, labels };
      const id = groupId(init);
      // A group this worker does not hold may have been started by another collector's
      // worker (the rule's evaluator moved here when that collector died): its stored state
      // says which alerts it notified, so their resolutions are still sent.
      const held = groups.get(id) ?? (await deps.inbox.groups()).find((g) => groupId(g) === id);
      const next = addAlert(held, init, alert, now, timingsOf(c));
      if (!next) continue;
      await deps.inbox.putGroup(next, false);
      groups.set(id, next);
    }
  }

  async function flushDue(now: number) {
    for (const [id, g] of [...groups]) {
      const channel = (await channelsOf(g.project)).find((c) => c.id === g.channelId);
      if (!channel) {
        await deps.inbox.putGroup(g, true);
        groups.delete(id);
        continue;
      }
      const t = timingsOf(channel);
      // Silences are read only for groups that may send: most ticks touch no table.
      const maybe =
        g.nextFlushMs !== null
          ? now >= g.nextFlushMs
          : now >= g.lastFlushMs + Math.min(t.groupIntervalMs, t.repeatIntervalMs);
      if (!maybe) continue;
      const mutedBy = await mutesOf(g.project, now);
      const muted = (a: GroupAlert) => mutedBy(a.labels) !== undefined;
      if (!isDue(g, now, t, muted)) continue;
      const out = flush(g, now, muted);
      if (out.alerts.length > 0 && !deliveries.has(out.id) && !(await deps.outbox.get(out.id))) {
        const message = buildMessage({
          receiver: channel.spec.name,
          groupKey: `${channel.id}:${g.key}`,
          groupLabels: g.labels,
          alerts: out.alerts.map(({ notificationId: _, sent: __, notified: ___, ...a }) => a),
          externalURL: deps.publicUrl ?? '',
        });
        let body: string | undefined;
        try {
          body = RENDERERS[channel.spec.format](message, channel.spec.template);
        } catch (err) {
          log.error(
            { err, channelId: channel.id },
            'alert body could not be rendered; notification dropped',
          );
        }
        if (body !== undefined) {
          const d: Delivery = {
            project: g.project,
            id: out.id,
            channelId: channel.id,
            kind: 'alert',
            status: 'pending',
            attempts: 0,
            nextAttemptMs: now,
            body,
            lastError: '',
            createdMs: now,
          };
          await deps.outbox.put(d);
          deliveries.set(d.id, d);
        }
      }
      await deps.inbox.putGroup(out.next ?? g, out.next === undefined);
      if (out.next) groups.set(id, out.next);
      else groups.delete(id);
    }
  }

  async function attempt(d: Delivery): Promise<AttemptReport> {
    inFlight.add(d.id);
    try {
      const { next, report } = await deps.send(d);
      if (next.status === 'pending') deliveries.set(next.id, next);
      else deliveries.delete(next.id);
      return report;
    } finally {
      inFlight.delete(d.id);
    }
  }

  /**
   * Starts the due attempts, at most `concurrency` at a time, without waiting for them: a
   * slow receiver (up to --webhook-timeout) must not hold up routing or other channels.
   */
  function deliverDue(now: number) {
    for (const d of deliveries.values()) {
      if (inFlight.size >= concurrency) break;
      if (d.nextAttemptMs > now || inFlight.has(d.id)) continue;
      const run: Promise<unknown> = attempt(d)
        .catch((err: unknown) =>
          log.error({ err, deliveryId: d.id }, 'delivery attempt could not be recorded'),
        )
        .finally(() => running.delete(run));
      running.add(run);
    }
  }

  async function tick() {
    if (!loaded) {
      await load();
      loaded = true;
    }
    const now = Date.now();
    while (queue.length > 0) {
      const n = queue[0]!;
      await route(n, now);
      await deps.inbox.put([n], 'routed');
      queue.shift();
    }
    await flushDue(now);
    deliverDue(Date.now());
  }

  function schedule(delayMs = tickMs) {
    if (stopped) return;
    timer = setTimeout(() => {
      // A failed tick (the engine busy or closing) is retried whole on the next one.
      current = tick()
        .catch((err: unknown) => log.error({ err }, 'alert delivery tick failed'))
        .finally(() => schedule());
    }, delayMs);
    timer.unref();
  }

  async function load() {
    const [pending, live, inbox] = await Promise.all([
      deps.outbox.pending(),
      deps.inbox.groups(),
      deps.inbox.pending(),
    ]);
    const now = Date.now();
    for (const d of pending)
      deliveries.set(d.id, { ...d, nextAttemptMs: Math.min(d.nextAttemptMs, now) });
    for (const g of live) groups.set(groupId(g), g);
    const queued = new Set(queue.map((n) => n.id));
    queue.unshift(...inbox.filter((n) => !queued.has(n.id)));
    if (pending.length + inbox.length > 0)
      log.info(
        { deliveries: pending.length, notifications: inbox.length, groups: live.length },
        'alert delivery resumed',
      );
  }

  return {
    /** Runs the timer; the first tick resumes from the tables. Safe to call more than once. */
    start(): void {
      if (started) return;
      started = true;
      schedule(0);
    },
    /** Stores notifications not seen before and queues them for routing (the Notifier). */
    enqueue(ns: readonly AlertNotification[]): Promise<void> {
      const run = enqueueChain.then(async () => {
        const seen = await deps.inbox.existing(ns.map((n) => n.id));
        const fresh = ns.filter(
          (n, i) => !seen.has(n.id) && ns.findIndex((m) => m.id === n.id) === i,
        );
        await deps.inbox.put(fresh, 'pending');
        queue.push(...fresh);
      });
      enqueueChain = run.catch(() => undefined);
      return run;
    },
    /** Drops what is cached of a project's channels, silences and windows (they changed). */
    forget(project: string): void {
      generations.set(project, generation(project) + 1);
      channelCache.delete(project);
      muteCache.delete(project);
    },
    /** Stores a delivery and attempts it now (the channel test); retries follow as usual. */
    async sendNow(d: Delivery): Promise<AttemptReport> {
      await deps.outbox.put(d);
      return attempt(d);
    },
    /** Stops the timer and waits for the tick and the attempts in progress. */
    async close(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
      await Promise.all([...running]);
    },
  };
}

/** The running worker. */
export type Worker = ReturnType<typeof createWorker>;
