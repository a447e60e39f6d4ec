import type { AlertRule } from '@aiobs/api-types';
import { Link } from '@tanstack/react-router';
import { ConfirmButton } from '../../../components/confirm-button.js';
import type { RangeSearch } from '../../../lib/search.js';
import type { AlertMutations } from '../api.js';
import { describeRule } from '../describe-rule.js';
import { draftOf, ruleSpec } from '../rule-draft.js';
import { WriteError } from './write-error.js';

/** Props of {@link RulesTable}. */
export interface RulesTableProps {
  rules: AlertRule[];
  /** Channel names by id, to show whom each rule notifies. */
  channelNames: Map<string, string>;
  m: AlertMutations;
  /** False for a viewer: the write controls are left out. */
  editable: boolean;
  /** The rule in the form now, if any (its row is marked). */
  editingId: string | undefined;
  /** The range the page shows, kept by each rule's link. */
  range: RangeSearch;
  /** Opens a rule in the form (or read-only, when the form cannot hold it). */
  onOpen: (id: string) => void;
}

/**
 * Every rule in one line each: its name links to it (`/alerts?rule=<id>`: the form, filled
 * with it, or a read-only view), with edit, enable or disable (the evaluator skips a
 * disabled rule), and delete after a confirmation.
 */
export function RulesTable({
  rules,
  channelNames,
  m,
  editable,
  editingId,
  range,
  onOpen,
}: RulesTableProps) {
  const busy = (id: string) =>
    (m.updateRule.isPending && m.updateRule.variables?.id === id) ||
    (m.deleteRule.isPending && m.deleteRule.variables === id);
  return (
    <>
      <table className="table" data-testid="rules-table">
        <caption className="sr-only">Alert rules</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Rule</th>
            <th scope="col">Every</th>
            <th scope="col">Notifies</th>
            {editable && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr
              key={r.id}
              data-rule={r.name}
              aria-current={r.id === editingId ? 'true' : undefined}
            >
              <td>
                <Link
                  to="/alerts"
                  search={{
                    from: range.from,
                    to: range.to,
                    refresh: range.refresh,
                    project: range.project,
                    rule: r.id,
                  }}
                >
                  {r.name}
                </Link>{' '}
                {!r.enabled && <span className="badge">disabled</span>}
              </td>
              <td>{describeRule(r)}</td>
              <td>{r.interval}</td>
              <td>
                {r.channels.length === 0
                  ? '—'
                  : r.channels.map((id) => channelNames.get(id) ?? id).join(', ')}
              </td>
              {editable && (
                <td>
                  <div className="actions">
                    <button type="button" disabled={busy(r.id)} onClick={() => onOpen(r.id)}>
                      {draftOf(r) ? 'Edit' : 'View'}
                    </button>
                    <button
                      type="button"
                      disabled={busy(r.id)}
                      onClick={() =>
                        m.updateRule.mutate({
                          id: r.id,
                          body: { ...ruleSpec(r), enabled: !r.enabled },
                        })
                      }
                    >
                      {r.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <ConfirmButton
                      label="Delete"
                      question={`Delete “${r.name}”?`}
                      busy={m.deleteRule.isPending && m.deleteRule.variables === r.id}
                      onConfirm={() => m.deleteRule.mutate(r.id)}
                    />
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {/* Edits show their errors in the form; these are the row buttons'. */}
      {!editingId && <WriteError error={m.updateRule.error} action="change the rule" />}
      <WriteError error={m.deleteRule.error} action="delete the rule" />
    </>
  );
}
