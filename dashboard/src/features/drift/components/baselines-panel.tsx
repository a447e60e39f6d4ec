import type { DriftBaseline } from '@aiobs/api-types';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { Empty, ErrorState, Panel } from '../../../components/states.js';
import type { NewBaseline, useBaselineMutations } from '../api.js';

/** Props of {@link BaselinesPanel}. */
export interface BaselinesPanelProps {
  baselines: DriftBaseline[];
  model: string;
  versions: string[];
  /** The page's current range, offered as a time-range baseline. */
  range: { from: string; to: string };
  selected?: string;
  mutations: ReturnType<typeof useBaselineMutations>;
  onUse: (id: string) => void;
}

function pins(b: DriftBaseline): string {
  if (b.source === 'version') return `version ${b.version}`;
  if (b.source === 'range')
    return `${new Date(b.fromMs).toISOString().slice(0, 16).replace('T', ' ')} → ${new Date(b.toMs).toISOString().slice(0, 16).replace('T', ' ')}`;
  return 'uploaded sample';
}

/** The model's baselines (use, make default, delete) and the form that pins a new one. */
export function BaselinesPanel({
  baselines,
  model,
  versions,
  range,
  selected,
  mutations,
  onUse,
}: BaselinesPanelProps) {
  const mine = baselines.filter((b) => b.model === model);
  const [name, setName] = useState('');
  const [source, setSource] = useState<'version' | 'range'>(
    versions.length > 0 ? 'version' : 'range',
  );
  const [version, setVersion] = useState(versions[0] ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const b: NewBaseline =
      source === 'version'
        ? { name: name.trim() || `${model} ${version}`, model, version, default: mine.length === 0 }
        : {
            name: name.trim() || `${model} ${range.from}`,
            model,
            from: range.from,
            to: range.to,
            default: mine.length === 0,
          };
    mutations.create.mutate(b, { onSuccess: (created) => onUse(created.id) });
  };
  return (
    <Panel title="Baselines" wide>
      {mine.length === 0 ? (
        <Empty title={`No baseline for ${model} yet`}>
          <p>
            Pin a reference below (a known-good version, or the range on screen): drift is then
            measured against it, charted over time, and checked by the scheduled drift job.
          </p>
        </Empty>
      ) : (
        <table className="table" data-testid="baselines-table">
          <caption className="sr-only">Baselines of {model}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Pins</th>
              <th scope="col">Created (UTC)</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {mine.map((b) => (
              <tr key={b.id} data-baseline={b.name}>
                <td>
                  {b.name}
                  {b.isDefault && <span className="badge">default</span>}
                  {b.id === selected && <span className="badge badge-better">in use</span>}
                </td>
                <td>{pins(b)}</td>
                <td>{b.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td className="actions">
                  <button type="button" onClick={() => onUse(b.id)} disabled={b.id === selected}>
                    Use
                  </button>
                  {!b.isDefault && (
                    <button type="button" onClick={() => mutations.makeDefault.mutate(b.id)}>
                      Make default
                    </button>
                  )}
                  <ConfirmButton
                    label="Delete"
                    question="The baseline and its stored values?"
                    busy={mutations.remove.isPending && mutations.remove.variables === b.id}
                    onConfirm={() => mutations.remove.mutate(b.id)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="filters" onSubmit={submit} aria-label="New baseline">
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={`${model} baseline`}
          />
        </label>
        <fieldset className="toolbar">
          <legend className="sr-only">Reference values</legend>
          <label className="inline">
            <input
              type="radio"
              name="source"
              checked={source === 'version'}
              onChange={() => setSource('version')}
            />{' '}
            a version
          </label>
          <label className="inline">
            <input
              type="radio"
              name="source"
              checked={source === 'range'}
              onChange={() => setSource('range')}
            />{' '}
            the range on screen
          </label>
        </fieldset>
        {source === 'version' && (
          <label>
            Version
            <input
              value={version}
              list="baseline-versions"
              onChange={(e) => setVersion(e.target.value)}
              size={10}
            />
            <datalist id="baseline-versions">
              {versions.map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
          </label>
        )}
        <div className="filters-actions">
          <button
            type="submit"
            disabled={mutations.create.isPending || (source === 'version' && !version)}
          >
            {mutations.create.isPending ? 'Creating…' : 'Create baseline'}
          </button>
        </div>
      </form>
      {mutations.create.isError && <ErrorState error={mutations.create.error} />}
      {mutations.remove.isError && <ErrorState error={mutations.remove.error} />}
      {mutations.makeDefault.isError && <ErrorState error={mutations.makeDefault.error} />}
    </Panel>
  );
}
