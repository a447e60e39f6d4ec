import type { MeResponse, UserInfo } from '@aiobs/api-types';
import { useState } from 'react';
import { Empty, Panel } from '../../../components/states.js';
import { useUserMutations, useUsers } from '../api.js';
import { formatWhen, generatePassword, sortUsers } from '../prepare.js';
import { NewUserForm } from './new-user-form.js';
import { QuerySection } from './query-section.js';
import { SecretBox } from './secret-box.js';
import { UserError } from './user-error.js';

/** A password to show once: whose, and why (new user or reset). */
interface ShownPassword {
  label: string;
  password: string;
}

/**
 * The instance's users, for the instance admin: the list, a new user (with a generated
 * password shown once, or a typed one), disable or enable, and a new generated password.
 * Disabling or resetting signs the user out everywhere (the collector revokes the sessions).
 */
export function UsersTab({ me }: { me: MeResponse | undefined }) {
  const admin = me?.instanceAdmin === true;
  const users = useUsers(admin);
  const { update } = useUserMutations();
  const [shown, setShown] = useState<ShownPassword>();
  if (!admin)
    return (
      <Panel title="Users" wide>
        <Empty title="Only the instance admin manages users">
          <p>Ask the instance admin to create an account or to reset a password.</p>
        </Empty>
      </Panel>
    );
  const setDisabled = (u: UserInfo, disabled: boolean) => {
    const question = disabled
      ? `Disable ${u.email}? They are signed out everywhere and cannot sign in until enabled again.`
      : `Enable ${u.email}? They can sign in again with their password.`;
    if (window.confirm(question)) update.mutate({ id: u.id, patch: { disabled } });
  };
  const resetPassword = (u: UserInfo) => {
    if (!window.confirm(`Give ${u.email} a new generated password? The old one stops working.`))
      return;
    const password = generatePassword();
    update.mutate(
      { id: u.id, patch: { password } },
      { onSuccess: () => setShown({ label: `New password for ${u.email}`, password }) },
    );
  };
  return (
    <>
      <Panel title="Users" wide>
        <QuerySection query={users}>
          {(d) => (
            <table className="table" data-testid="users-table">
              <caption className="sr-only">Users of this aiobs instance</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Instance admin</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created (UTC)</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sortUsers(d.users).map((u) => (
                  <tr key={u.id} data-user={u.email}>
                    <td>{u.email}</td>
                    <td>{u.name || '—'}</td>
                    <td>{u.instanceAdmin ? 'yes' : 'no'}</td>
                    <td className={u.disabled ? 'expiry-expired' : undefined}>
                      {u.disabled ? 'disabled' : 'active'}
                    </td>
                    <td>{formatWhen(u.createdAt)}</td>
                    <td className="row-actions">
                      <button
                        type="button"
                        disabled={update.isPending}
                        aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                        onClick={() => setDisabled(u, !u.disabled)}
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                      <button
                        type="button"
                        disabled={update.isPending}
                        aria-label={`Reset password of ${u.email}`}
                        onClick={() => resetPassword(u)}
                      >
                        Reset password
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QuerySection>
        <UserError error={update.error} />
        {shown && <PasswordShownOnce shown={shown} onDone={() => setShown(undefined)} />}
      </Panel>
      <Panel title="New user" wide>
        <NewUserForm
          label="New user"
          submitLabel="Create user"
          onCreated={(user, generated) =>
            setShown(
              generated ? { label: `Password for ${user.email}`, password: generated } : undefined,
            )
          }
        />
        <p className="muted small">
          Then add them to projects under Members. They can change the password under My account.
        </p>
      </Panel>
    </>
  );
}

/** A generated password in the shown-once box, with what to do with it. */
export function PasswordShownOnce({ shown, onDone }: { shown: ShownPassword; onDone: () => void }) {
  return (
    <>
      <SecretBox label={shown.label} secret={shown.password} onDone={onDone} />
      <p className="muted small">
        Give it to them over a private channel; they can change it under Settings → My account.
      </p>
    </>
  );
}
