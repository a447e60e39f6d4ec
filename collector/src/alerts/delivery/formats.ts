import type { GroupMessage } from './message.js';
import { parseTemplate, renderTemplate } from './template.js';

/** Body formats a channel may ask for. */
export const FORMATS = ['alertmanager', 'slack', 'template'] as const;
export type BodyFormat = (typeof FORMATS)[number];

/** Turns a group's message into a request body; `template` is the channel's custom one. */
export type BodyRenderer = (m: GroupMessage, template?: string) => string;

/**
 * Alertmanager's webhook payload, version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), so receivers
 * written for Alertmanager work unchanged. Each alert also carries `value` and `topTraces`;
 * receivers ignore fields they do not know.
 */
function alertmanager(m: GroupMessage): string {
  return JSON.stringify({ version: '4', ...m });
}

const SLACK_MAX_ALERTS = 20;

/**
 * A Slack incoming-webhook body (`text` as the fallback, `blocks` for display), also
 * accepted by Mattermost and Rocket.Chat: one section per alert with its summary, value and
 * links to its top traces.
 */
function slack(m: GroupMessage): string {
  const firing = m.alerts.filter((a) => a.status === 'firing').length;
  const name = m.commonLabels.alertname ?? m.groupLabels.alertname ?? 'alerts';
  const title = `[${m.status.toUpperCase()}${m.status === 'firing' ? `:${firing}` : ''}] ${name}`;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
  ];
  for (const a of m.alerts.slice(0, SLACK_MAX_ALERTS)) {
    const lines = [
      `*${a.status === 'firing' ? ':red_circle:' : ':large_green_circle:'} ${a.annotations.summary ?? a.labels.alertname ?? a.fingerprint}*`,
    ];
    if (a.annotations.description) lines.push(a.annotations.description);
    if (a.value !== null) lines.push(`value: ${a.value}`);
    const traces = a.topTraces.map((t) =>
      t.url
        ? `<${t.url}|${t.traceId.slice(0, 8)}> ${t.durationMs} ms`
        : `${t.traceId} ${t.durationMs} ms`,
    );
    if (traces.length > 0) lines.push(`top traces: ${traces.join(', ')}`);
    if (a.generatorURL) lines.push(`<${a.generatorURL}|rule>`);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) },
    });
  }
  if (m.alerts.length > SLACK_MAX_ALERTS)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `and ${m.alerts.length - SLACK_MAX_ALERTS} more` }],
    });
  return JSON.stringify({ text: title, blocks });
}

/** The channel's own template (template.ts) over the same data as the Alertmanager body. */
function template(m: GroupMessage, source?: string): string {
  return renderTemplate(parseTemplate(source ?? ''), { version: '4', ...m });
}

/** One renderer per format: a new format is a new entry here. */
export const RENDERERS: Record<BodyFormat, BodyRenderer> = { alertmanager, slack, template };
