import type { AlertRule } from '@aiobs/api-types';
import { type FormEvent, useDeferredValue, useMemo, useState } from 'react';
import { Panel } from '../../../components/states.js';
import { ApiError } from '../../../lib/api-client.js';
import { type Dimensions, fieldLabel, formFieldOf } from '../draft-fields.js';
import {
  checkDraft,
  type DraftField,
  draftOf,
  editBody,
  freshDraft,
  OPS,
  type Problems,
  type RuleDraft,
  unitOf,
} from '../rule-draft.js';
import { KINDS } from '../rule-kinds.js';
import { type DraftForm, Field, fieldId, problemProps } from './field.js';
import { RulePreview } from './rule-preview.js';
import { SignalFields } from './signal-fields.js';
import { WriteError } from './write-error.js';

/** Props of {@link RuleForm}. */
export interface RuleFormProps {
  /** Models seen in the range with their versions, variants, ...: the filters' suggestions. */
  dims: readonly Dimensions[];
  /** Channels it may notify, by id and name. */
  channels: Array<{ id: string; name: string }>;
  /** The rule being edited (the form starts from it); a new rule when undefined. */
  rule?: AlertRule;
  /** A viewer's look at `rule`: every field shown, none changeable. */
  readOnly?: boolean;
  saving: boolean;
  error: unknown;
  onSave: (body: Record<string, unknown>) => void;
  /** Leaves the rule (shown only for an existing rule). */
  onCancel?: () => void;
}

const NO_DATA: Array<[AlertRule['noDataState'], string]> = [
  ['no_data', 'show as no data'],
  ['ok', 'treat as OK'],
  ['alerting', 'treat as alerting'],
];
const ON_ERROR: Array<[AlertRule['errorState'], string]> = [
  ['error', 'show as error'],
  ['ok', 'treat as OK'],
  ['alerting', 'treat as alerting'],
];

/**
 * A rule, new or edited, with a live preview: every signal kind of the rule API with its
 * parameters and filters, the critical and warning thresholds (or, for kinds that decide
 * their own breach, when they fire), timing and no-data handling, labels, annotations and
 * channels. A field's problem shows next to it once it was visited or a save was tried; a
 * refusal of the API that names a field shows there too.
 */
export function RuleForm(props: RuleFormProps) {
  const { rule, readOnly = false, saving, error, onSave, onCancel } = props;
  const [d, setD] = useState<RuleDraft>(() => (rule && draftOf(rule)) || freshDraft());
  const [visited, setVisited] = useState<ReadonlySet<DraftField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  // The API's refusal is shown until the draft changes.
  const [seenError, setSeenError] = useState<unknown>();
  const check = checkDraft(d);
  const deferred = useDeferredValue(d);
  const preview = useMemo(() => checkDraft(deferred), [deferred]);
  const refused =
    error instanceof ApiError && error.status === 400 && error !== seenError
      ? formFieldOf(error.field, d)
      : undefined;
  const touch = (f: DraftField) => {
    if (!visited.has(f)) setVisited(new Set(visited).add(f));
  };
  const form: DraftForm<RuleDraft> = {
    d,
    set: (patch, f) => {
      setD({ ...d, ...patch });
      touch(f);
      setSeenError(error);
    },
    touch,
    problem: (f) =>
      (submitted || visited.has(f) ? check.problems[f] : undefined) ??
      (f === refused ? (error as ApiError).message : undefined),
  };
  const text = (f: DraftField & keyof RuleDraft, label: string, extra: object = {}) => {
    const problem = form.problem(f);
    return (
      <Field f={f} label={label} problem={problem}>
        <input
          {...problemProps(f, problem)}
          value={d[f] as string}
          onChange={(e) => form.set({ [f]: e.target.value }, f)}
          onBlur={() => touch(f)}
          size={6}
          {...extra}
        />
      </Field>
    );
  };
  const select = <K extends 'op' | 'noDataState' | 'errorState'>(
    f: K,
    label: string,
    options: ReadonlyArray<readonly [RuleDraft[K], string]>,
  ) => (
    <Field f={f} label={label} problem={form.problem(f)}>
      <select
        {...problemProps(f, form.problem(f))}
        value={d[f]}
        onChange={(e) => form.set({ [f]: e.target.value }, f)}
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );
  const problems = Object.keys(check.problems) as DraftField[];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (problems.length > 0 || !check.body) {
      document.getElementById(fieldId(problems[0]!))?.focus();
      return;
    }
    onSave(rule ? editBody(rule, check.body) : check.body);
  };
  const title = rule ? `${readOnly ? 'Rule' : 'Edit rule'} “${rule.name}”` : 'New rule';
  const unit = unitOf(d);
  const decides = Boolean(KINDS[d.kind]?.decides);
  return (
    <Panel title={title} wide>
      {readOnly && (
        <p className="muted" role="note">
          Read-only: changing rules needs the editor role in this project.
        </p>
      )}
      <form onSubmit={submit} noValidate aria-label={rule ? title : 'New alert rule'}>
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <div className="filters">
            {text('name', 'Name', {
              size: 28,
              placeholder: 'chat p95 latency',
              'aria-required': true,
            })}
          </div>
          <SignalFields form={form} dims={props.dims} />
          {!decides && (
            <fieldset className="filters">
              <legend className="small muted">Condition</legend>
              {select('op', 'Comparison', OPS)}
              {text('threshold', `Threshold (${unit})`, {
                size: 8,
                inputMode: 'decimal',
                'aria-required': true,
              })}
              {text('warning', `Warning threshold (${unit})`, {
                size: 8,
                inputMode: 'decimal',
                placeholder: 'none',
              })}
            </fieldset>
          )}
          <fieldset className="filters">
            <legend className="small muted">Timing</legend>
            {text('window', 'Window', { placeholder: '5m' })}
            {text('for', 'For', { placeholder: '0s' })}
            {text('keepFiringFor', 'Keep firing for', { placeholder: '0s' })}
            {text('interval', 'Evaluate every', { placeholder: '30s' })}
            {select('noDataState', 'When there is no data', NO_DATA)}
            {select('errorState', 'When evaluation fails', ON_ERROR)}
          </fieldset>
          <Details form={form} channels={props.channels} />
        </fieldset>
        {submitted && problems.length > 0 && (
          <p className="error" role="alert" data-testid="form-problems">
            Check {problems.map((f) => fieldLabel(f)).join(', ')}.
          </p>
        )}
        <div className="filters-actions" style={{ marginBottom: 12 }}>
          {!readOnly && (
            <button type="submit" disabled={saving}>
              {rule ? (saving ? 'Saving…' : 'Save rule') : saving ? 'Creating…' : 'Create rule'}
            </button>
          )}
          {rule && onCancel && (
            <button type="button" onClick={onCancel}>
              {readOnly ? 'Close' : 'Cancel'}
            </button>
          )}
        </div>
      </form>
      <RulePreview
        body={preview.body && (rule ? editBody(rule, preview.body) : preview.body)}
        waitingFor={waiting(preview.problems)}
        kind={deferred.kind}
        unit={unitOf(deferred)}
      />
      <WriteError error={error} action={rule ? 'save the rule' : 'create the rule'} />
    </Panel>
  );
}

/** The fields a preview waits for, by label. */
function waiting(problems: Problems): string[] {
  return (Object.keys(problems) as DraftField[]).filter((f) => f !== 'name').map(fieldLabel);
}

/** Labels, annotations and the channels the rule notifies. */
function Details({
  form,
  channels,
}: {
  form: DraftForm<RuleDraft>;
  channels: Array<{ id: string; name: string }>;
}) {
  const { d } = form;
  const area = (f: 'labels' | 'annotations', label: string, placeholder: string) => (
    <Field f={f} label={label} problem={form.problem(f)}>
      <textarea
        {...problemProps(f, form.problem(f))}
        value={d[f]}
        onChange={(e) => form.set({ [f]: e.target.value }, f)}
        onBlur={() => form.touch(f)}
        rows={2}
        cols={30}
        placeholder={placeholder}
      />
    </Field>
  );
  return (
    <fieldset className="filters">
      <legend className="small muted">Labels and notifications</legend>
      {area('labels', 'Labels (name=value per line)', 'severity=page')}
      {area('annotations', 'Annotations (name=value per line)', 'summary=p95 is {{ $value }} ms')}
      {channels.length > 0 && (
        <fieldset className="toolbar">
          <legend className="small muted">Notify</legend>
          {channels.map((ch) => (
            <label key={ch.id} className="inline">
              <input
                type="checkbox"
                checked={d.channels.includes(ch.id)}
                onChange={(e) => {
                  const rest = d.channels.filter((x) => x !== ch.id);
                  form.set({ channels: e.target.checked ? [...rest, ch.id] : rest }, 'channels');
                }}
              />
              {ch.name}
            </label>
          ))}
        </fieldset>
      )}
    </fieldset>
  );
}
