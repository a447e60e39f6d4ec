import { Empty, ErrorState, Loading, Panel } from '../../components/states.js';
import { formatNumber } from '../../lib/format.js';
import { useModels } from '../overview/api.js';
import {
  useAlertMutations,
  useAlerts,
  useChannels,
  useHistory,
  useRules,
  useSilences,
} from './api.js';
import { RuleForm } from './components/rule-form.js';
import { describeRule, sortAlerts } from './prepare.js';

const time = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : '—');

function State({ state }: { state: string }) {
  return <span className={`badge state-${state}`}>{state.replace('_', ' ')}</span>;
}

/** Alerts: what is firing, the rules (with a new one from a live preview), history, channels, silences. */
export function AlertsPage() {
  const alerts = useAlerts();
  const rules = useRules();
  const history = useHistory();
  const channels = useChannels();
  const silences = useSilences();
  const models = useModels();
  const m = useAlertMutations();
  const section = <T,>(
    q: { isPending: boolean; isError: boolean; error: unknown; data?: T; refetch: () => unknown },
    render: (d: T) => React.ReactNode,
  ) =>
    q.isPending ? (
      <Loading />
    ) : q.isError ? (
      <ErrorState error={q.error} retry={() => q.refetch()} />
    ) : (
      render(q.data as T)
    );
  return (
    <>
      <h1>Alerts</h1>
      <Panel title="Current alerts" wide>
        {section(alerts, (d) =>
          d.alerts.length === 0 ? (
            <Empty title="No rules yet">
              <p>Create one below: pick a signal and a threshold, and check the preview.</p>
            </Empty>
          ) : (
            <table className="table" data-testid="alerts-table">
              <caption className="sr-only">The current alert of every rule</caption>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">State</th>
                  <th scope="col">Severity</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col">Since (UTC)</th>
                  <th scope="col">Last evaluated</th>
                </tr>
              </thead>
              <tbody>
                {sortAlerts(d.alerts).map((a) => (
                  <tr key={`${a.ruleId}-${a.fingerprint}`} data-rule={a.ruleName}>
                    <td>
                      {a.ruleName}
                      {a.error && <div className="error small">{a.error}</div>}
                    </td>
                    <td>
                      <State state={a.state} />
                    </td>
                    <td>{a.severity ?? '—'}</td>
                    <td className="num">{a.value === null ? '—' : formatNumber(a.value, 2)}</td>
                    <td>{time(a.firingSince ?? a.activeAt)}</td>
                    <td>{time(a.lastEvaluatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ),
        )}
      </Panel>
      <Panel title="Rules" wide>
        {section(rules, (d) =>
          d.rules.length === 0 ? (
            <p className="muted">No rules.</p>
          ) : (
            <table className="table" data-testid="rules-table">
              <caption className="sr-only">Alert rules</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Every</th>
                  <th scope="col">Channels</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {d.rules.map((r) => (
                  <tr key={r.id} data-rule={r.name}>
                    <td>
                      {r.name}
                      {!r.enabled && <span className="badge">disabled</span>}
                    </td>
                    <td>{describeRule(r)}</td>
                    <td>{r.interval}</td>
                    <td>{r.channels.length}</td>
                    <td>
                      <button
                        type="button"
                        onClick={() => {
                          if (window.confirm(`Delete rule “${r.name}”?`)) m.deleteRule.mutate(r.id);
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ),
        )}
      </Panel>
      <RuleForm
        models={models.data?.models.map((x) => x.model) ?? []}
        creating={m.createRule.isPending}
        error={m.createRule.error}
        onCreate={(body) => m.createRule.mutate(body)}
      />
      <div className="grid">
        <Panel title="Channels">
          {section(channels, (d) =>
            d.channels.length === 0 ? (
              <Empty title="No channels">
                <p>
                  Add a webhook with <code>POST /api/v1/channels</code> (Alertmanager, Slack or a
                  template body), then name it in a rule.
                </p>
              </Empty>
            ) : (
              <table className="table" data-testid="channels-table">
                <caption className="sr-only">Webhook channels and their delivery health</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">URL</th>
                    <th scope="col">Health</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {d.channels.map((ch) => (
                    <tr key={ch.id}>
                      <td>{ch.name}</td>
                      <td className="wrap">
                        <code>{ch.url}</code>
                      </td>
                      <td>
                        <State state={ch.health.status} />
                        {ch.health.lastError && (
                          <div className="error small">{ch.health.lastError}</div>
                        )}
                      </td>
                      <td>
                        <button type="button" onClick={() => m.testChannel.mutate(ch.id)}>
                          Send test
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ),
          )}
          {m.testChannel.data && (
            <p role="status">
              Test {m.testChannel.data.status}
              {m.testChannel.data.httpStatus ? ` (HTTP ${m.testChannel.data.httpStatus})` : ''}
              {m.testChannel.data.refused ? `: refused, ${m.testChannel.data.refused}` : ''}
              {m.testChannel.data.error ? `: ${m.testChannel.data.error}` : ''}
            </p>
          )}
          {m.testChannel.isError && <ErrorState error={m.testChannel.error} />}
        </Panel>
        <Panel title="Silences">
          {section(silences, (d) =>
            d.silences.length === 0 ? (
              <Empty title="No silences">
                <p>
                  Mute alerts by label with <code>POST /api/v1/silences</code> (matchers, start,
                  end, comment).
                </p>
              </Empty>
            ) : (
              <table className="table" data-testid="silences-table">
                <caption className="sr-only">Silences</caption>
                <thead>
                  <tr>
                    <th scope="col">Matchers</th>
                    <th scope="col">Ends (UTC)</th>
                    <th scope="col">State</th>
                    <th scope="col">Comment</th>
                  </tr>
                </thead>
                <tbody>
                  {d.silences.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <code>
                          {s.matchers.map((x) => `${x.name}${x.op}"${x.value}"`).join(', ')}
                        </code>
                      </td>
                      <td>{time(s.endsAt)}</td>
                      <td>
                        <State state={s.status.state} />
                      </td>
                      <td>{s.comment}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ),
          )}
        </Panel>
      </div>
      <Panel title="History" wide>
        {section(history, (d) =>
          d.entries.length === 0 ? (
            <p className="muted">No transitions yet.</p>
          ) : (
            <table className="table" data-testid="history-table">
              <caption className="sr-only">State transitions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Transition</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col">Notified</th>
                </tr>
              </thead>
              <tbody>
                {d.entries.map((e) => (
                  <tr key={`${e.ruleId}-${e.fingerprint}-${e.seq}`}>
                    <td>{time(e.time)}</td>
                    <td>{e.ruleName}</td>
                    <td>
                      <State state={e.from} /> → <State state={e.to} />
                    </td>
                    <td className="num">{e.value === null ? '—' : formatNumber(e.value, 2)}</td>
                    <td>{e.notificationId ? 'yes' : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ),
        )}
      </Panel>
    </>
  );
}
