import type { MeResponse, UserInfo } from '@aiobs/api-types';
import { useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { SecretBox } from '../../../components/secret-box.js';
import { Empty, Panel } from '../../../components/states.js';
import { ACTIONS, TableHead } from '../../../components/table-head.js';
import { useUserMutations, useUsers } from '../api.js';
import { formatWhen, generatePassword, sortUsers } from '../prepare.js';
import { NewUserForm } from './new-user-form.js';
import { QuerySection } from './query-section.js';
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
  const resetPassword = (u: UserInfo) => {
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
              <TableHead
                columns={['Email', 'Name', 'Instance admin', 'Status', 'Created (UTC)', ACTIONS]}
              />
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
                      <ConfirmButton
                        label={u.disabled ? 'Enable' : 'Disable'}
                        name={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                        question={
                          u.disabled
                            ? 'They can sign in again with their password.'
                            : 'They are signed out everywhere until enabled again.'
                        }
                        disabled={update.isPending}
                        onConfirm={() =>
                          update.mutate({ id: u.id, patch: { disabled: !u.disabled } })
                        }
                      />
                      <ConfirmButton
                        label="Reset password"
                        name={`Reset password of ${u.email}`}
                        question="A new generated one; the old one stops working."
                        disabled={update.isPending}
                        onConfirm={() => resetPassword(u)}
                      />
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
