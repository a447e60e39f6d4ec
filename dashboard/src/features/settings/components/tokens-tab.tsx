import type { MeResponse, PersonalTokenCreated } from '@aiobs/api-types';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { SecretBox } from '../../../components/secret-box.js';
import { Empty, Panel } from '../../../components/states.js';
import { ACTIONS, TableHead } from '../../../components/table-head.js';
import { useTokenMutations, useTokens } from '../api.js';
import {
  type ExpiryChoice,
  expiresAtFor,
  expiryState,
  formatWhen,
  newestFirst,
} from '../prepare.js';
import { ExpirySelect } from './expiry-select.js';
import { MutationError, QuerySection } from './query-section.js';

/**
 * The signed-in user's personal API tokens: they act as the user (same projects and roles)
 * from scripts and CLIs. Only users have them; a session from the admin token says so.
 */
export function TokensTab({ me }: { me: MeResponse | undefined }) {
  const isUser = me?.kind === 'user';
  const tokens = useTokens(isUser);
  const m = useTokenMutations();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>('90d');
  const [shown, setShown] = useState<PersonalTokenCreated>();
  if (!isUser)
    return (
      <Panel title="My tokens" wide>
        <Empty title="Personal tokens belong to users">
          <p>
            This session signed in with {me ? `a ${me.kind} token` : 'a token'}. Sign in with an
            email and password to create tokens that act as you.
          </p>
        </Empty>
      </Panel>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    m.create.mutate(
      { name: name.trim(), expiresAt: expiresAtFor(expiry, Date.now()) },
      {
        onSuccess: (t) => {
          setShown(t);
          setName('');
        },
      },
    );
  };
  const now = Date.now();
  return (
    <>
      <Panel title="New personal token" wide>
        <form className="filters" onSubmit={submit} aria-label="New personal token">
          <label>
            Token name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="laptop CLI"
              required
            />
          </label>
          <ExpirySelect value={expiry} onChange={setExpiry} />
          <button type="submit" disabled={m.create.isPending}>
            {m.create.isPending ? 'Creating…' : 'Create token'}
          </button>
          <MutationError error={m.create.error} />
        </form>
        {shown && (
          <SecretBox
            label={`New token “${shown.name}”`}
            secret={shown.token}
            onDone={() => setShown(undefined)}
          />
        )}
        <p className="muted small">
          Send it as <code>Authorization: Bearer &lt;token&gt;</code>; it can do what you can, in
          the projects you can.
        </p>
      </Panel>
      <Panel title="My tokens" wide>
        <QuerySection query={tokens}>
          {(d) =>
            d.tokens.length === 0 ? (
              <Empty title="No tokens">
                <p>Create one above for scripts and the API.</p>
              </Empty>
            ) : (
              <table className="table" data-testid="tokens-table">
                <caption className="sr-only">Your personal API tokens</caption>
                <TableHead
                  columns={['Name', 'Prefix', 'Created (UTC)', 'Expires (UTC)', ACTIONS]}
                />
                <tbody>
                  {newestFirst(d.tokens).map((t) => {
                    const exp = expiryState(t.expiresAt, now);
                    return (
                      <tr key={t.id} data-token={t.prefix}>
                        <td>{t.name}</td>
                        <td>
                          <code>{t.prefix}…</code>
                        </td>
                        <td>{formatWhen(t.createdAt)}</td>
                        <td className={exp.tone === 'ok' ? undefined : `expiry-${exp.tone}`}>
                          {exp.label}
                        </td>
                        <td>
                          <ConfirmButton
                            label="Delete"
                            name={`Delete ${t.name} (${t.prefix})`}
                            question="It stops working."
                            busy={m.remove.isPending && m.remove.variables === t.id}
                            onConfirm={() => m.remove.mutate(t.id)}
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
        <MutationError error={m.remove.error} />
      </Panel>
    </>
  );
}
