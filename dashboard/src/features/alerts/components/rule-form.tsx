import { type FormEvent, useDeferredValue, useState } from 'react';
import { Empty, ErrorState, Loading, Panel } from '../../../components/states.js';
import { usePreview } from '../api.js';
import { KINDS, type RuleDraft, ruleBody } from '../prepare.js';
import { PreviewChart } from './preview-chart.js';

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
  creating: boolean;
  error: unknown;
  onCreate: (body: Record<string, unknown>) => void;
}

/**
 * A new threshold rule with a live preview: as the draft changes it is replayed over the
 * range on screen, showing the signal, the threshold and where it would have fired.
 */
export function RuleForm({ models, creating, error, onCreate }: RuleFormProps) {
  const [d, setD] = useState<RuleDraft>(EMPTY);
  const draft = useDeferredValue(d);
  const built = ruleBody(draft);
  const preview = usePreview('body' in built ? built.body : undefined);
  const field = <K extends keyof RuleDraft>(k: K) => ({
    value: d[k],
    onChange: (e: { target: { value: string } }) =>
      setD({ ...d, [k]: e.target.value as RuleDraft[K] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const b = ruleBody(d);
    if ('body' in b && d.name.trim()) onCreate(b.body);
  };
  const firing = preview.data?.firing.length ?? 0;
  return (
    <Panel title="New rule" wide>
      <form className="filters" onSubmit={submit} aria-label="New alert rule">
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
            <option value="<">below</option>
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
        <div className="filters-actions">
          <button type="submit" disabled={creating || !('body' in ruleBody(d)) || !d.name.trim()}>
            {creating ? 'Creating…' : 'Create rule'}
          </button>
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
      {error ? <ErrorState error={error} /> : null}
    </Panel>
  );
}
