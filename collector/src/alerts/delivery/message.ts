/** One alert in a notification body (Alertmanager webhook v4's alert, plus aiobs's extras). */
export interface MessageAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** Alertmanager writes the zero time for alerts still firing. */
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
  /** aiobs: the value that made it fire or resolve. */
  value: number | null;
  /** aiobs: the slowest matching traces, with dashboard links when a public URL is set. */
  topTraces: { traceId: string; durationMs: number; url?: string }[];
}

/** What every body format is built from: one group's alerts, as Alertmanager groups them. */
export interface GroupMessage {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: MessageAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  groupKey: string;
  truncatedAlerts: number;
}

/** Alertmanager's "not resolved yet" end time. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The key/value pairs every map shares. */
function common(maps: readonly Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(maps[0]!)) if (maps.every((m) => m[k] === v)) out[k] = v;
  return out;
}

/**
 * Builds a group's message: `firing` when any alert fires, the labels and annotations all
 * alerts share, firing alerts first.
 */
export function buildMessage(args: {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: readonly MessageAlert[];
  externalURL: string;
  truncatedAlerts?: number;
}): GroupMessage {
  const alerts = [...args.alerts].sort(
    (a, b) =>
      Number(a.status === 'resolved') - Number(b.status === 'resolved') ||
      a.startsAt.localeCompare(b.startsAt),
  );
  return {
    receiver: args.receiver,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: args.groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: args.externalURL,
    groupKey: args.groupKey,
    truncatedAlerts: args.truncatedAlerts ?? 0,
  };
}
