import type { AlertRule } from '@aiobs/api-types';
import { Fragment } from 'react';
import { Panel } from '../../../components/states.js';
import { describeCondition, describeSignal } from '../describe-rule.js';
import { formatPairs, ruleSpec } from '../rule-draft.js';
import { KINDS } from '../rule-kinds.js';
import { RulePreview } from './rule-preview.js';

/** Props of {@link RuleInspect}. */
export interface RuleInspectProps {
  rule: AlertRule;
  /** Channel names by id. */
  channelNames: Map<string, string>;
  onClose: () => void;
}

type Side = {
  signal: { kind: string } & Record<string, unknown>;
  condition?: AlertRule['condition'];
};

/**
 * A rule the form cannot hold (a composite, or a kind this dashboard does not know), shown
 * read-only with its preview: what it measures, its timing and where it sends, and the body
 * to change through the API.
 */
export function RuleInspect({ rule, channelNames, onClose }: RuleInspectProps) {
  const s = rule.signal;
  const composite = s.kind === 'composite';
  const sides = composite ? ((s.signals ?? []) as Side[]) : [];
  // A composite's value is its first side's.
  const measured = (sides[0]?.signal ?? s) as Record<string, unknown>;
  const unit =
    KINDS[String(measured.kind)]?.unit(
      Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, String(v)])),
    ) ?? '';
  const fact = (term: string, value: string) => (
    <>
      <dt>{term}</dt>
      <dd>{value || '—'}</dd>
    </>
  );
  return (
    <Panel title={`Rule “${rule.name}”`} wide>
      <p role="note" data-testid="read-only-note">
        {composite
          ? 'A composite rule fires when every one of its signals holds. The form cannot edit composite rules, so it is shown read-only here;'
          : `The form does not know the signal kind “${s.kind}”, so this rule is shown read-only;`}{' '}
        change it with <code>PUT /api/v1/alert-rules/{rule.id}</code> (the body is below).
      </p>
      <dl className="facts" data-testid="rule-facts">
        {composite
          ? sides.map((side, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: sides have no id; their place is the rule's
              <Fragment key={i}>
                {fact(
                  i === 0 ? 'All of' : 'and',
                  `${describeSignal(side.signal)}${describeCondition(side.condition)}`,
                )}
              </Fragment>
            ))
          : fact('Signal', `${describeSignal(s)}${describeCondition(rule.condition)}`)}
        {fact('Window', rule.window)}
        {fact('For', rule.for)}
        {fact('Keep firing for', rule.keepFiringFor)}
        {fact('Evaluate every', rule.interval)}
        {fact('When there is no data', rule.noDataState.replace('_', ' '))}
        {fact('When evaluation fails', rule.errorState)}
        {fact('Labels', formatPairs(rule.labels).replaceAll('\n', ', '))}
        {fact('Notifies', rule.channels.map((id) => channelNames.get(id) ?? id).join(', '))}
        {fact('Enabled', rule.enabled ? 'yes' : 'no')}
      </dl>
      <details>
        <summary>The rule’s body (JSON)</summary>
        <pre>{JSON.stringify(ruleSpec(rule), null, 2)}</pre>
      </details>
      <div className="filters-actions" style={{ margin: '12px 0' }}>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <RulePreview body={ruleSpec(rule)} waitingFor={[]} kind={s.kind} unit={unit} />
    </Panel>
  );
}
