import { describe, expect, it } from 'vitest';
import { addAlert, flush, type GroupAlert, type GroupState, groupOf, isDue } from './groups.js';
import { ZERO_TIME } from './message.js';

const t = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 4 * 3_600_000 };
const init = {
  project: 'p',
  channelId: 'c',
  ...groupOf({ alertname: 'lat', model: 'm' }, ['alertname']),
};
const never = () => false;

function alert(
  fp: string,
  status: 'firing' | 'resolved',
  nid: string,
): Omit<GroupAlert, 'sent' | 'notified'> {
  return {
    notificationId: nid,
    status,
    labels: { alertname: 'lat', fp },
    annotations: {},
    startsAt: '2026-01-01T00:00:00Z',
    endsAt: status === 'firing' ? ZERO_TIME : '2026-01-01T01:00:00Z',
    generatorURL: '',
    fingerprint: fp,
    value: 1,
    topTraces: [],
  };
}

describe('groupOf', () => {
  it('keys by the groupBy labels in name order, Alertmanager style', () => {
    expect(groupOf({ b: '2', a: '1', c: '3' }, ['b', 'a'])).toEqual({
      key: '{}:{a="1",b="2"}',
      labels: { a: '1', b: '2' },
    });
    expect(groupOf({ a: '1' }, [])).toEqual({ key: '{}:{}', labels: {} });
  });
});

describe('aggregation groups', () => {
  it('waits groupWait, sends the alerts that joined meanwhile, then waits groupInterval for changes', () => {
    let g = addAlert(undefined, init, alert('x', 'firing', 'n1'), 0, t) as GroupState;
    expect(g.nextFlushMs).toBe(30_000);
    g = addAlert(g, init, alert('y', 'firing', 'n2'), 10_000, t) as GroupState;
    expect(isDue(g, 29_999, t, never)).toBe(false);
    expect(isDue(g, 30_000, t, never)).toBe(true);
    const f1 = flush(g, 30_000, never);
    expect(f1.alerts.map((a) => a.fingerprint).sort()).toEqual(['x', 'y']);
    g = f1.next as GroupState;
    expect(isDue(g, 100_000, t, never)).toBe(false);
    g = addAlert(g, init, alert('x', 'resolved', 'n3'), 100_000, t) as GroupState;
    expect(g.nextFlushMs).toBe(330_000);
    const f2 = flush(g, 330_000, never);
    expect(f2.alerts.map((a) => `${a.fingerprint}:${a.status}`).sort()).toEqual([
      'x:resolved',
      'y:firing',
    ]);
    expect(f2.id).not.toBe(f1.id);
    expect(Object.keys(f2.next!.alerts)).toEqual(['y']);
  });

  it('repeats firing alerts every repeatInterval, and ends once all are resolved', () => {
    let g = flush(addAlert(undefined, init, alert('x', 'firing', 'n1'), 0, t)!, 30_000, never)
      .next!;
    expect(isDue(g, 30_000 + t.repeatIntervalMs - 1, t, never)).toBe(false);
    expect(isDue(g, 30_000 + t.repeatIntervalMs, t, never)).toBe(true);
    g = addAlert(g, init, alert('x', 'resolved', 'n2'), 40_000, t)!;
    const f = flush(g, 330_000, never);
    expect(f.alerts).toHaveLength(1);
    expect(f.next).toBeUndefined();
  });

  it('ignores a repeated notification and a resolution of an alert never sent', () => {
    const g = addAlert(undefined, init, alert('x', 'firing', 'n1'), 0, t)!;
    expect(addAlert(g, init, alert('x', 'firing', 'n1'), 5, t)).toBeUndefined();
    expect(addAlert(undefined, init, alert('z', 'resolved', 'n9'), 5, t)).toBeUndefined();
    const quiet = addAlert(g, init, alert('x', 'resolved', 'n2'), 5, t)!;
    expect(quiet.alerts).toEqual({});
  });

  it('leaves muted alerts out, and sends them once the mute ends', () => {
    let muted = true;
    const isMuted = () => muted;
    let g = addAlert(undefined, init, alert('x', 'firing', 'n1'), 0, t)!;
    const f = flush(g, 30_000, isMuted);
    expect(f.alerts).toEqual([]);
    g = f.next!;
    expect(isDue(g, 30_000 + t.repeatIntervalMs, t, isMuted)).toBe(false);
    muted = false;
    expect(isDue(g, 30_000 + t.groupIntervalMs, t, isMuted)).toBe(true);
    expect(flush(g, 330_000, isMuted).alerts.map((a) => a.fingerprint)).toEqual(['x']);
  });

  it('still sends the resolution of an alert notified before, even if a later change was not sent', () => {
    let g = flush(addAlert(undefined, init, alert('x', 'firing', 'n1'), 0, t)!, 30_000, never)
      .next!;
    g = addAlert(g, init, alert('x', 'firing', 'n2'), 40_000, t)!; // e.g. severity changed
    g = addAlert(g, init, alert('x', 'resolved', 'n3'), 41_000, t)!;
    const f = flush(g, 330_000, never);
    expect(f.alerts.map((a) => `${a.fingerprint}:${a.status}`)).toEqual(['x:resolved']);
    expect(f.next).toBeUndefined();
  });

  it('makes the same id when the same flush is repeated (after a crash)', () => {
    const g = addAlert(undefined, init, alert('x', 'firing', 'n1'), 0, t)!;
    expect(flush(g, 30_000, never).id).toBe(flush(g, 31_000, never).id);
  });
});
