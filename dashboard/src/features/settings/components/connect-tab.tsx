import { Panel } from '../../../components/states.js';
import { connectSnippets } from '../prepare.js';
import { CopyBlock } from './copy-block.js';

/** How to send telemetry here: the SDK, any OTel SDK, an OTel Collector, the host agent. */
export function ConnectTab({ project }: { project: string }) {
  const s = connectSnippets(window.location.origin);
  return (
    <Panel title="Connect" wide>
      <p>
        Everything sends OTLP to this collector with an ingest key of <code>{project}</code> (create
        one under Keys; it is shown once, so paste it where <code>&lt;ingest key&gt;</code> stands).
      </p>
      <div className="snippets">
        <CopyBlock title="Node SDK (@aiobs/sdk)" text={s.sdk} />
        <CopyBlock title="Any OpenTelemetry SDK (environment)" text={s.otelEnv} />
        <CopyBlock title="OpenTelemetry Collector (otlphttp exporter)" text={s.collectorYaml} />
        <CopyBlock title="Host and GPU agent (systemd)" text={s.agent} />
      </div>
      <p className="muted small">
        To try it without an app: <code>npm run demo</code> fills the collector with sample traffic.
      </p>
    </Panel>
  );
}
