import type { ProjectRole } from '@aiobs/api-types';
import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../../components/confirm-button.js';
import { Empty, Panel } from '../../../components/states.js';
import { ACTIONS, TableHead } from '../../../components/table-head.js';
import { ApiError } from '../../../lib/api-client.js';
import { useMe, useMembers, useProjectMutations } from '../api.js';
import { formatWhen, isLastOwner, isUnknownEmail, ROLES, sortMembers } from '../prepare.js';
import { NewUserForm } from './new-user-form.js';
import { MutationError, QuerySection } from './query-section.js';
import { PasswordShownOnce } from './users-tab.js';

/**
 * The members of the project shown: add by email with a role, change a role, remove. When
 * the email has no user yet, the instance admin may create the user and add them at once.
 */
export function MembersTab({ project }: { project: string }) {
  const members = useMembers(project);
  const m = useProjectMutations(project);
  const instanceAdmin = useMe().data?.instanceAdmin === true;
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('viewer');
  // The email `POST …/members` did not know: offered to the instance admin as a new user.
  const [unknown, setUnknown] = useState<string>();
  const [shown, setShown] = useState<{ label: string; password: string }>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const typed = email.trim();
    if (!typed) return;
    setUnknown(undefined);
    m.addMember.mutate(
      { email: typed, role },
      {
        onSuccess: () => setEmail(''),
        onError: (err) => {
          if (err instanceof ApiError && isUnknownEmail(err)) setUnknown(typed);
        },
      },
    );
  };
  const offerCreate = instanceAdmin && unknown !== undefined;
  // Without the owner role the list is refused (403): adding would be refused as well.
  const refused =
    members.error instanceof ApiError &&
    (members.error.status === 403 || members.error.status === 404);
  return (
    <>
      <Panel title={`Members of ${project}`} wide>
        <QuerySection query={members} needs={`the owner role in “${project}”`}>
          {(d) =>
            d.members.length === 0 ? (
              <Empty title="No members">
                <p>
                  Only the instance admin can use this project. Add people below; they need a user
                  account first (the instance admin creates it under Users, or right here).
                </p>
              </Empty>
            ) : (
              <table className="table" data-testid="members-table">
                <caption className="sr-only">Members and their roles</caption>
                <TableHead columns={['Email', 'Name', 'Role', 'Added (UTC)', ACTIONS]} />
                <tbody>
                  {sortMembers(d.members).map((x) => {
                    const last = isLastOwner(x, d.members);
                    return (
                      <tr key={x.userId} data-member={x.email}>
                        <td>{x.email}</td>
                        <td>{x.name || '—'}</td>
                        <td>
                          <select
                            aria-label={`Role of ${x.email}`}
                            value={x.role}
                            disabled={last || m.setRole.isPending}
                            title={last ? 'The last owner keeps the owner role' : undefined}
                            onChange={(e) =>
                              m.setRole.mutate({
                                userId: x.userId,
                                role: e.target.value as ProjectRole,
                              })
                            }
                          >
                            {ROLES.map((r) => (
                              <option key={r.role} value={r.role}>
                                {r.role}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td>{formatWhen(x.createdAt)}</td>
                        <td>
                          <ConfirmButton
                            label="Remove"
                            name={`Remove ${x.email}`}
                            question={`From ${project}?`}
                            disabled={last}
                            title={last ? 'A project keeps at least one owner' : undefined}
                            busy={m.removeMember.isPending && m.removeMember.variables === x.userId}
                            onConfirm={() => m.removeMember.mutate(x.userId)}
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
        <MutationError error={m.setRole.error ?? m.removeMember.error} />
      </Panel>
      {!refused && (
        <Panel title="Add a member" wide>
          <form className="filters" onSubmit={submit} aria-label="Add a member">
            <label>
              Email
              <input
                type="email"
                value={email}
                onChange={(e) => {
                  setEmail(e.target.value);
                  setUnknown(undefined);
                }}
                placeholder="someone@example.com"
                required
              />
            </label>
            <label>
              Role
              <select
                aria-label="Role"
                value={role}
                onChange={(e) => setRole(e.target.value as ProjectRole)}
              >
                {ROLES.map((r) => (
                  <option key={r.role} value={r.role}>
                    {r.role}: {r.hint}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={m.addMember.isPending}>
              {m.addMember.isPending ? 'Adding…' : 'Add member'}
            </button>
            {offerCreate ? (
              <p className="error" role="alert">
                No user has the email {unknown} yet. Create the user below and they are added as{' '}
                {role}.
              </p>
            ) : (
              <MutationError error={m.addMember.error} />
            )}
          </form>
          {offerCreate && (
            <section aria-label={`Create user ${unknown}`} className="create-and-add">
              <h3>Create user {unknown} and add</h3>
              <NewUserForm
                email={unknown}
                label={`New user ${unknown}`}
                submitLabel={`Create user and add as ${role}`}
                onCreated={(user, generated) => {
                  setUnknown(undefined);
                  m.addMember.mutate({ userId: user.id, role }, { onSuccess: () => setEmail('') });
                  setShown(
                    generated
                      ? { label: `Password for ${user.email}`, password: generated }
                      : undefined,
                  );
                }}
              />
            </section>
          )}
          {shown && <PasswordShownOnce shown={shown} onDone={() => setShown(undefined)} />}
        </Panel>
      )}
    </>
  );
}
