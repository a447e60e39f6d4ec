import type { MeResponse } from '@aiobs/api-types';
import { type FormEvent, useState } from 'react';
import { Empty, Panel } from '../../../components/states.js';
import { useChangePassword } from '../api.js';
import { PASSWORD_MIN, passwordChangeProblem } from '../prepare.js';
import { UserError } from './user-error.js';

/**
 * The signed-in user's own account: who they are, and a password change (the current one,
 * then a new one of at least 12 characters, typed twice). Changing it signs out every other
 * session of the user; this one goes on.
 */
export function AccountTab({ me }: { me: MeResponse | undefined }) {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const user = me?.user;
  if (!user)
    return (
      <Panel title="My account" wide>
        <Empty title="No user account in this session">
          <p>
            This session signed in with {me ? `a ${me.kind} token` : 'a token'}, which has no
            password. Sign in with an email and password to change yours.
          </p>
        </Empty>
      </Panel>
    );
  const draft = { currentPassword: current, newPassword: next, confirm };
  const problem = touched ? passwordChangeProblem(draft) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (passwordChangeProblem(draft)) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setConfirm('');
          setTouched(false);
        },
      },
    );
  };
  const invalid = (field: string) => problem?.field === field || undefined;
  return (
    <>
      <Panel title="My account" wide>
        <dl className="account" data-testid="account">
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Name</dt>
          <dd>{user.name || '—'}</dd>
          <dt>Instance admin</dt>
          <dd>{user.instanceAdmin ? 'yes' : 'no'}</dd>
          <dt>Projects</dt>
          <dd>
            {me.projects.length === 0
              ? 'none yet'
              : me.projects.map((p) => `${p.id} (${p.role})`).join(', ')}
          </dd>
        </dl>
      </Panel>
      <Panel title="Change my password" wide>
        <form className="user-form" onSubmit={submit} aria-label="Change my password" noValidate>
          {/* Lets password managers file the new password under the right account. */}
          <input type="email" value={user.email} autoComplete="username" readOnly hidden />
          <label>
            Current password
            <input
              type="password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              autoComplete="current-password"
              aria-invalid={invalid('currentPassword')}
              aria-describedby="password-problem"
              required
            />
          </label>
          <label>
            New password
            <input
              type="password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
              autoComplete="new-password"
              aria-invalid={invalid('newPassword')}
              aria-describedby="password-rule password-problem"
              required
            />
          </label>
          <label>
            Confirm new password
            <input
              type="password"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              autoComplete="new-password"
              aria-invalid={invalid('confirm')}
              aria-describedby="password-problem"
              required
            />
          </label>
          <p id="password-rule" className="muted small">
            At least {PASSWORD_MIN} characters; a long passphrase is better than symbols. Other
            sessions of yours are signed out.
          </p>
          <div className="toolbar">
            <button type="submit" disabled={change.isPending}>
              {change.isPending ? 'Changing…' : 'Change password'}
            </button>
          </div>
          <p id="password-problem" className={problem ? 'error' : 'sr-only'}>
            {problem?.message ?? ''}
          </p>
          <UserError error={change.error} />
          <p role="status">
            {change.isSuccess ? 'Password changed. Your other sessions were signed out.' : ''}
          </p>
        </form>
      </Panel>
    </>
  );
}
