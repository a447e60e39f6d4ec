import type { ProjectRole } from '@aiobs/api-types';
import { type FormEvent, useState } from 'react';
import { Empty, Panel } from '../../../components/states.js';
import { useMembers, useProjectMutations } from '../api.js';
import { formatWhen, isLastOwner, ROLES, sortMembers } from '../prepare.js';
import { MutationError, QuerySection } from './query-section.js';

/** The members of the project shown: add by email with a role, change a role, remove. */
export function MembersTab({ project }: { project: string }) {
  const members = useMembers(project);
  const m = useProjectMutations(project);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('viewer');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim()) return;
    m.addMember.mutate({ email: email.trim(), role }, { onSuccess: () => setEmail('') });
  };
  return (
    <>
      <Panel title={`Members of ${project}`} wide>
        <QuerySection query={members} needs={`the owner role in “${project}”`}>
          {(d) =>
            d.members.length === 0 ? (
              <Empty title="No members">
                <p>
                  Only the instance admin can use this project. Add people below; they need a user
                  account first (the instance admin creates it with <code>POST /api/v1/users</code>
                  ).
                </p>
              </Empty>
            ) : (
              <table className="table" data-testid="members-table">
                <caption className="sr-only">Members and their roles</caption>
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Added (UTC)</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
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
                          <button
                            type="button"
                            disabled={last}
                            title={last ? 'A project keeps at least one owner' : undefined}
                            aria-label={`Remove ${x.email}`}
                            onClick={() => {
                              if (window.confirm(`Remove ${x.email} from ${project}?`))
                                m.removeMember.mutate(x.userId);
                            }}
                          >
                            Remove
                          </button>
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
      <Panel title="Add a member" wide>
        <form className="filters" onSubmit={submit} aria-label="Add a member">
          <label>
            Email
            <input
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
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
          <MutationError error={m.addMember.error} />
        </form>
      </Panel>
    </>
  );
}
