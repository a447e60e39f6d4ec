import { type Dimensions, filterSuggestions } from '../draft-fields.js';
import { filterKeysOf, measuredKind, paramValues, type RuleDraft } from '../rule-draft.js';
import {
  BASE_KINDS,
  type BaseKind,
  FILTERS,
  KINDS,
  kindGroups,
  shownParams,
} from '../rule-kinds.js';
import { type DraftForm, Field, fieldId, problemProps } from './field.js';

/** The parameters of `kind` (the measured kind, or an anomaly band's own). */
function Params({ kind, form }: { kind: string; form: DraftForm<RuleDraft> }) {
  const { d } = form;
  const spec = KINDS[kind];
  if (!spec) return null;
  return (
    <>
      {shownParams(spec, paramValues(d, kind)).map((p) => {
        const f = `param:${kind}.${p.key}` as const;
        const problem = form.problem(f);
        const ctl = {
          ...problemProps(f, problem),
          value: d.params[`${kind}.${p.key}`] ?? '',
          onChange: (e: { target: { value: string } }) =>
            form.set({ params: { ...d.params, [`${kind}.${p.key}`]: e.target.value } }, f),
          onBlur: () => form.touch(f),
        };
        return (
          <Field key={f} f={f} label={p.label} problem={problem}>
            {p.options ? (
              <select {...ctl}>
                {p.options.map(([v, label]) => (
                  <option key={v} value={v}>
                    {label}
                  </option>
                ))}
              </select>
            ) : (
              <input {...ctl} size={10} placeholder={p.placeholder} />
            )}
          </Field>
        );
      })}
    </>
  );
}

/**
 * The signal part of the rule form: the kind (grouped), the kind an anomaly band watches,
 * their parameters, and the filters the kind honours (with the values seen in the range
 * offered as suggestions).
 */
export function SignalFields({
  form,
  dims,
}: {
  form: DraftForm<RuleDraft>;
  dims: readonly Dimensions[];
}) {
  const { d } = form;
  const measured = measuredKind(d);
  const keys = filterKeysOf(d);
  return (
    <>
      <fieldset className="filters">
        <legend className="small muted">What to measure</legend>
        <Field f="kind" label="Signal" problem={form.problem('kind')}>
          <select
            {...problemProps('kind', form.problem('kind'))}
            value={d.kind}
            onChange={(e) => form.set({ kind: e.target.value }, 'kind')}
          >
            {kindGroups().map(([group, kinds]) => (
              <optgroup key={group} label={group}>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {KINDS[k]!.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Field>
        {d.kind === 'anomaly' && (
          <Field f="of" label="Of signal" problem={form.problem('of')}>
            <select
              {...problemProps('of', form.problem('of'))}
              value={d.of}
              onChange={(e) => form.set({ of: e.target.value as BaseKind }, 'of')}
            >
              {Object.entries(BASE_KINDS).map(([k, spec]) => (
                <option key={k} value={k}>
                  {spec.label}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Params kind={measured} form={form} />
        {d.kind === 'anomaly' && <Params kind="anomaly" form={form} />}
        {KINDS[d.kind]?.decides && (
          <p className="muted small filters-note" data-testid="decides-note">
            {KINDS[d.kind]!.decides}
          </p>
        )}
      </fieldset>
      <fieldset className="filters">
        <legend className="small muted">Filters (empty: any)</legend>
        {FILTERS.filter(([k]) => keys.includes(k)).map(([k, label]) => {
          const f = `filter:${k}` as const;
          const problem = form.problem(f);
          const ctl = {
            ...problemProps(f, problem),
            value: d.filters[k] ?? '',
            onChange: (e: { target: { value: string } }) =>
              form.set({ filters: { ...d.filters, [k]: e.target.value } }, f),
            onBlur: () => form.touch(f),
          };
          if (k === 'attributes')
            return (
              <Field key={k} f={f} label="Attributes (key=value per line)" problem={problem}>
                <textarea {...ctl} rows={2} cols={24} placeholder="user.tier=gold" />
              </Field>
            );
          const options = filterSuggestions(dims, k, d.filters.model ?? '');
          const list = `${fieldId(f)}-options`;
          return (
            <Field key={k} f={f} label={label} problem={problem}>
              <input
                {...ctl}
                size={14}
                placeholder="any"
                list={options.length > 0 ? list : undefined}
              />
              {options.length > 0 && (
                <datalist id={list}>
                  {options.map((v) => (
                    <option key={v} value={v} />
                  ))}
                </datalist>
              )}
            </Field>
          );
        })}
      </fieldset>
    </>
  );
}
