import type { ProjectKeyCreated } from '@aiobs/api-types';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { SecretBox } from '../../../components/secret-box.js';
import { Empty, Panel } from '../../../components/states.js';
import { ACTIONS, TableHead } from '../../../components/table-head.js';
import { useKeyMutations, useKeys, usePeople } from '../api.js';
import {
  actorName,
  type ExpiryChoice,
  expiresAtFor,
  expiryState,
  formatWhen,
  newestFirst,
  OVERLAP_CHOICES,
} from '../prepare.js';
import { ExpirySelect } from './expiry-select.js';
import { MutationError, QuerySection } from './query-section.js';

const KIND_HINT = {
  ingest: 'sends telemetry (SDK, agent, OTel exporters); cannot read',
  read: 'reads the API (Grafana, scripts); cannot write',
} as const;

/**
 * The project's ingest and read keys: create one (shown once), list them by prefix, revoke,
 * and rotate with an overlap during which the old key still works.
 */
export function KeysTab({ project }: { project: string }) {
  const keys = useKeys(project);
  const people = usePeople(project);
  const m = useKeyMutations(project);
  const [kind, setKind] = useState<'ingest' | 'read'>('ingest');
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>('never');
  const [overlap, setOverlap] = useState<number>(86_400);
  const [shown, setShown] = useState<ProjectKeyCreated>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    m.create.mutate(
      { kind, name: name.trim(), expiresAt: expiresAtFor(expiry, Date.now()) },
      {
        onSuccess: (k) => {
          setShown(k);
          setName('');
        },
      },
    );
  };
  const overlapLabel = OVERLAP_CHOICES.find((o) => o.seconds === overlap)?.label ?? '';
  const now = Date.now();
  return (
    <>
      <Panel title={`New key for ${project}`} wide>
        <form className="filters" onSubmit={submit} aria-label="New key">
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as 'ingest' | 'read')}>
              <option value="ingest">Ingest: {KIND_HINT.ingest}</option>
              <option value="read">Read: {KIND_HINT.read}</option>
            </select>
          </label>
          <label>
            Key name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="checkout-service"
              required
            />
          </label>
          <ExpirySelect value={expiry} onChange={setExpiry} />
          <button type="submit" disabled={m.create.isPending}>
            {m.create.isPending ? 'Creating…' : 'Create key'}
          </button>
          <MutationError error={m.create.error} />
        </form>
        {shown && (
          <SecretBox
            label={`New ${shown.kind} key “${shown.name}”`}
            secret={shown.key}
            onDone={() => setShown(undefined)}
          />
        )}
      </Panel>
      <Panel title={`Keys of ${project}`} wide>
        <div className="toolbar">
          <label className="inline-label">
            On rotation the old key keeps working for
            <select value={overlap} onChange={(e) => setOverlap(Number(e.target.value))}>
              {OVERLAP_CHOICES.map((o) => (
                <option key={o.seconds} value={o.seconds}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <QuerySection query={keys} needs={`the owner role in “${project}”`}>
          {(d) =>
            d.keys.length === 0 ? (
              <Empty title="No keys">
                <p>
                  Create an ingest key above for the SDK, the agent or an OpenTelemetry exporter
                  (see Connect), or a read key for Grafana.
                </p>
              </Empty>
            ) : (
              <table className="table" data-testid="keys-table">
                <caption className="sr-only">Live keys, newest first</caption>
                <TableHead
                  columns={[
                    'Name',
                    'Kind',
                    'Prefix',
                    'Created (UTC)',
                    'Expires (UTC)',
                    'Created by',
                    ACTIONS,
                  ]}
                />
                <tbody>
                  {newestFirst(d.keys).map((k) => {
                    const exp = expiryState(k.expiresAt, now);
                    return (
                      <tr key={k.id} data-key={k.prefix}>
                        <td>{k.name}</td>
                        <td>{k.kind}</td>
                        <td>
                          <code>{k.prefix}…</code>
                        </td>
                        <td>{formatWhen(k.createdAt)}</td>
                        <td className={exp.tone === 'ok' ? undefined : `expiry-${exp.tone}`}>
                          {exp.label}
                        </td>
                        <td>{k.createdBy ? actorName(k.createdBy, people) : '—'}</td>
                        <td className="row-actions">
                          <ConfirmButton
                            label="Rotate"
                            name={`Rotate ${k.name} (${k.prefix})`}
                            question={`A new key now; ${k.prefix}… keeps working for ${overlapLabel}.`}
                            busy={m.rotate.isPending && m.rotate.variables?.id === k.id}
                            onConfirm={() =>
                              m.rotate.mutate(
                                { id: k.id, overlapSeconds: overlap },
                                { onSuccess: (n) => setShown(n) },
                              )
                            }
                          />
                          <ConfirmButton
                            label="Revoke"
                            name={`Revoke ${k.name} (${k.prefix})`}
                            question="Everything sending or reading with it stops within 10 seconds."
                            busy={m.revoke.isPending && m.revoke.variables === k.id}
                            onConfirm={() => m.revoke.mutate(k.id)}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )
          }
        </QuerySection>
        <MutationError error={m.revoke.error ?? m.rotate.error} />
      </Panel>
    </>
  );
}
