import type { AlertRule } from '@aiobs/api-types';
import { type FormEvent, useDeferredValue, useState } from 'react';
import { Empty, ErrorState, Loading, Panel } from '../../../components/states.js';
import { usePreview } from '../api.js';
import { KINDS, type RuleDraft, ruleBody, ruleDraft, ruleEditBody } from '../prepare.js';
import { PreviewChart } from './preview-chart.js';
import { WriteError } from './write-error.js';

const EMPTY: RuleDraft = {
  name: '',
  kind: 'latency',
  quantile: '0.95',
  model: '',
  window: '5m',
  op: '>',
  threshold: '',
  for: '1m',
};

/** Props of {@link RuleForm}. */
export interface RuleFormProps {
  models: string[];
  /** Channels it may notify, by id and name. */
  channels: Array<{ id: string; name: string }>;
  /** The rule being edited (the form starts from it); a new rule when undefined. */
  rule?: AlertRule;
  saving: boolean;
  error: unknown;
  onSave: (body: Record<string, unknown>) => void;
  /** Leaves editing (shown only while editing). */
  onCancel?: () => void;
}

/**
 * A threshold rule, new or edited, with a live preview: as the draft changes it is replayed
 * over the range on screen, showing the signal, the threshold and where it would have fired.
 * An edit keeps what the form does not show (labels, channels, interval, other filters).
 */
export function RuleForm({
  models,
  channels,
  rule,
  saving,
  error,
  onSave,
  onCancel,
}: RuleFormProps) {
  const [d, setD] = useState<RuleDraft>(() => (rule && ruleDraft(rule)) || EMPTY);
  const draft = useDeferredValue(d);
  const bodyOf = (x: RuleDraft) => (rule ? ruleEditBody(rule, x) : ruleBody(x));
  const built = bodyOf(draft);
  const preview = usePreview('body' in built ? built.body : undefined);
  const field = <K extends keyof RuleDraft>(k: K) => ({
    value: d[k],
    onChange: (e: { target: { value: string } }) =>
      setD({ ...d, [k]: e.target.value as RuleDraft[K] }),
  });
  const ready = 'body' in bodyOf(d) && d.name.trim() !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const b = bodyOf(d);
    if ('body' in b && d.name.trim()) onSave(b.body);
  };
  const title = rule ? `Edit rule “${rule.name}”` : 'New rule';
  const firing = preview.data?.firing.length ?? 0;
  return (
    <Panel title={title} wide>
      <form className="filters" onSubmit={submit} aria-label={rule ? title : 'New alert rule'}>
        <label>
          Name
          <input {...field('name')} placeholder="chat p95 latency" required />
        </label>
        <label>
          Signal
          <select {...field('kind')}>
            {Object.entries(KINDS).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        {d.kind === 'latency' && (
          <label>
            Quantile
            <input {...field('quantile')} size={5} inputMode="decimal" />
          </label>
        )}
        <label>
          Model
          <select {...field('model')}>
            <option value="">any</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          Window
          <input {...field('window')} size={5} />
        </label>
        <label>
          Condition
          <select {...field('op')}>
            <option value=">">above</option>
            <option value=">=">at or above</option>
            <option value="<">below</option>
            <option value="<=">at or below</option>
          </select>
        </label>
        <label>
          Threshold ({KINDS[d.kind].unit})
          <input {...field('threshold')} size={8} inputMode="decimal" />
        </label>
        <label>
          For
          <input {...field('for')} size={5} />
        </label>
        {channels.length > 0 && (
          <fieldset className="toolbar">
            <legend className="small muted">Notify</legend>
            {channels.map((ch) => (
              <label key={ch.id} className="inline">
                <input
                  type="checkbox"
                  checked={d.channels?.includes(ch.id) ?? false}
                  onChange={(e) => {
                    const rest = (d.channels ?? []).filter((x) => x !== ch.id);
                    setD({ ...d, channels: e.target.checked ? [...rest, ch.id] : rest });
                  }}
                />
                {ch.name}
              </label>
            ))}
          </fieldset>
        )}
        <div className="filters-actions">
          <button type="submit" disabled={saving || !ready}>
            {rule ? (saving ? 'Saving…' : 'Save rule') : saving ? 'Creating…' : 'Create rule'}
          </button>
          {rule && onCancel && (
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {'missing' in built ? (
        <Empty title="Preview">
          <p>
            Enter a {built.missing} to see where this rule would have fired over the range on
            screen.
          </p>
        </Empty>
      ) : preview.isPending ? (
        <Loading label="Replaying the draft" />
      ) : preview.isError ? (
        <ErrorState error={preview.error} />
      ) : (
        <>
          <p className="muted" data-testid="preview-summary" aria-live="polite">
            {firing === 0
              ? 'Would not have fired in this range.'
              : `Would have fired ${firing} time${firing > 1 ? 's' : ''} in this range.`}
          </p>
          <PreviewChart res={preview.data} unit={KINDS[draft.kind].unit} />
        </>
      )}
      <WriteError error={error} action={rule ? 'save the rule' : 'create the rule'} />
    </Panel>
  );
}
