import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Empty, ErrorState, Loading, Panel } from '../../components/states.js';
import { TableHead } from '../../components/table-head.js';
import { formatNumber } from '../../lib/format.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useModelDimensions } from '../overview/api.js';
import {
  useAlertMutations,
  useAlerts,
  useCanEdit,
  useChannels,
  useHistory,
  useRules,
  useSilences,
  useWindows,
} from './api.js';
import { ChannelsPanel } from './components/channels-panel.js';
import { RuleForm } from './components/rule-form.js';
import { RuleInspect } from './components/rule-inspect.js';
import { RulesTable } from './components/rules-table.js';
import { SilencesPanel } from './components/silences-panel.js';
import { WindowsPanel } from './components/windows-panel.js';
import { sortAlerts } from './prepare.js';
import { draftOf } from './rule-draft.js';

const time = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : '—');

function State({ state }: { state: string }) {
  return <span className={`badge state-${state}`}>{state.replace('_', ' ')}</span>;
}

/**
 * Alerts: what is firing, the rules (new or edited in a form with a live preview), channels
 * (add, test-send, health), silences, maintenance windows and history. A viewer sees it all
 * without the write controls. `rule` (the URL's `?rule=<id>`) is the rule open in the form:
 * filled with it for an editor, read-only for a viewer or a rule the form cannot hold.
 */
export function AlertsPage({ rule: ruleId }: { rule?: string }) {
  const alerts = useAlerts();
  const rules = useRules();
  const history = useHistory();
  const channels = useChannels();
  const silences = useSilences();
  const windows = useWindows();
  const models = useModelDimensions();
  const m = useAlertMutations();
  const canWrite = useCanEdit();
  // Neither the write controls nor the viewer's note until the role is known.
  const editable = canWrite === true;
  const navigate = useNavigate();
  const search = useRangeSearch();
  const range = {
    from: search.from,
    to: search.to,
    refresh: search.refresh,
    project: search.project,
  };
  // Bumped after a rule is created: the new-rule form starts over.
  const [created, setCreated] = useState(0);
  const editing = ruleId ? rules.data?.rules.find((r) => r.id === ruleId) : undefined;
  const openRule = (id: string | undefined) => {
    m.updateRule.reset();
    navigate({ to: '/alerts', search: { ...range, rule: id } });
  };
  const shownId = editing?.id;
  useEffect(() => {
    if (shownId) document.getElementById('rule-form')?.scrollIntoView({ block: 'start' });
  }, [shownId]);
  const dims = models.data?.models ?? [];
  const channelNames = new Map(channels.data?.channels.map((ch) => [ch.id, ch.name]));
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
      {canWrite === false && (
        <p className="muted" role="note" data-testid="viewer-note">
          Your role in this project is viewer: you can see its alerts, but creating or changing
          rules, channels and silences needs the editor role.
        </p>
      )}
      <Panel title="Current alerts" wide>
        {section(alerts, (d) =>
          d.alerts.length === 0 ? (
            <Empty title="No rules yet">
              <p>
                {editable
                  ? 'Create one below: pick a signal and a threshold, and check the preview.'
                  : 'An editor of this project can create rules here.'}
              </p>
            </Empty>
          ) : (
            <table className="table" data-testid="alerts-table">
              <caption className="sr-only">The current alert of every rule</caption>
              <TableHead
                columns={[
                  'Rule',
                  'State',
                  'Severity',
                  { label: 'Value', num: true },
                  'Since (UTC)',
                  'Last evaluated',
                ]}
              />
              <tbody>
                {sortAlerts(d.alerts).map((a) => (
                  <tr key={`${a.ruleId}-${a.fingerprint}`} data-rule={a.ruleName}>
                    <td>
                      <Link to="/alerts" search={{ ...range, rule: a.ruleId }}>
                        {a.ruleName}
                      </Link>
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
            <RulesTable
              rules={d.rules}
              channelNames={channelNames}
              m={m}
              editable={editable}
              editingId={editing?.id}
              range={range}
              onOpen={openRule}
            />
          ),
        )}
      </Panel>
      <div id="rule-form">
        {ruleId ? (
          rules.isPending || canWrite === undefined ? (
            <Loading label="Loading the rule" />
          ) : rules.isError ? (
            <ErrorState error={rules.error} retry={() => rules.refetch()} />
          ) : !editing ? (
            <Panel title="Rule not found" wide>
              <p role="note">
                This project has no alert rule with id <code>{ruleId}</code> (it may have been
                deleted).{' '}
                <Link to="/alerts" search={range}>
                  Back to the rules
                </Link>
              </p>
            </Panel>
          ) : draftOf(editing) ? (
            <RuleForm
              // A fresh form per rule: its draft starts from that rule.
              key={editing.id}
              dims={dims}
              channels={channels.data?.channels ?? []}
              rule={editing}
              readOnly={!editable}
              saving={m.updateRule.isPending}
              error={m.updateRule.error}
              onSave={(body) =>
                m.updateRule.mutate(
                  { id: editing.id, body },
                  { onSuccess: () => openRule(undefined) },
                )
              }
              onCancel={() => openRule(undefined)}
            />
          ) : (
            <RuleInspect
              rule={editing}
              channelNames={channelNames}
              onClose={() => openRule(undefined)}
            />
          )
        ) : (
          editable && (
            <RuleForm
              key={`new-${created}`}
              dims={dims}
              channels={channels.data?.channels ?? []}
              saving={m.createRule.isPending}
              error={m.createRule.error}
              onSave={(body) =>
                m.createRule.mutate(body, { onSuccess: () => setCreated((n) => n + 1) })
              }
            />
          )
        )}
      </div>
      <div className="grid">
        <Panel title="Channels">
          {section(channels, (d) => (
            <ChannelsPanel data={d} m={m} editable={editable} />
          ))}
        </Panel>
        <Panel title="Silences">
          {section(silences, (d) => (
            <SilencesPanel data={d} m={m} editable={editable} />
          ))}
        </Panel>
      </div>
      <Panel title="Maintenance windows" wide>
        {section(windows, (d) => (
          <WindowsPanel data={d} m={m} editable={editable} />
        ))}
      </Panel>
      <Panel title="History" wide>
        {section(history, (d) =>
          d.entries.length === 0 ? (
            <p className="muted">No transitions yet.</p>
          ) : (
            <table className="table" data-testid="history-table">
              <caption className="sr-only">State transitions, newest first</caption>
              <TableHead
                columns={[
                  'Time (UTC)',
                  'Rule',
                  'Transition',
                  { label: 'Value', num: true },
                  'Notified',
                ]}
              />
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
