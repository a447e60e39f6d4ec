import type { UserInfo } from '@aiobs/api-types';
import { type FormEvent, useId, useState } from 'react';
import { useUserMutations } from '../api.js';
import { generatePassword, newUserProblem, PASSWORD_MIN } from '../prepare.js';
import { UserError } from './user-error.js';

/** Props of {@link NewUserForm}. */
export interface NewUserFormProps {
  /** The email, when it is already known (Members: the one just typed); otherwise a field. */
  email?: string;
  /** The form's accessible name, e.g. "New user". */
  label: string;
  submitLabel: string;
  /**
   * Called once the user exists, with the generated password (to show once) or undefined
   * when the admin typed one in.
   */
  onCreated: (user: UserInfo, generated: string | undefined) => void;
}

/**
 * Creates a user for the instance admin: email, name, a password (a strong generated one,
 * shown once by the caller, or one typed in, at least 12 characters) and whether the user is
 * an instance admin too. Used by Users, and by Members to create the user it is adding.
 */
export function NewUserForm({
  email: knownEmail,
  label,
  submitLabel,
  onCreated,
}: NewUserFormProps) {
  const id = useId();
  const { create } = useUserMutations();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'generate' | 'type'>('generate');
  const [typed, setTyped] = useState('');
  const [admin, setAdmin] = useState(false);
  const [touched, setTouched] = useState(false);
  const draft = {
    email: knownEmail ?? email,
    name,
    ...(mode === 'type' ? { password: typed } : {}),
  };
  const problem = touched ? newUserProblem(draft) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (newUserProblem(draft)) return;
    const generated = mode === 'generate' ? generatePassword() : undefined;
    create.mutate(
      {
        email: draft.email.trim(),
        name: name.trim(),
        password: generated ?? typed,
        ...(admin ? { instanceAdmin: true } : {}),
      },
      {
        onSuccess: (user) => {
          setEmail('');
          setName('');
          setTyped('');
          setAdmin(false);
          setTouched(false);
          onCreated(user, generated);
        },
      },
    );
  };
  const invalid = (field: string) => problem?.field === field || undefined;
  return (
    <form className="user-form" onSubmit={submit} aria-label={label} noValidate>
      {knownEmail === undefined && (
        <label>
          Email
          <input
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="someone@example.com"
            autoComplete="off"
            aria-invalid={invalid('email')}
            aria-describedby={`${id}-problem`}
            required
          />
        </label>
      )}
      <label>
        Name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Ada Lovelace"
          autoComplete="off"
          aria-invalid={invalid('name')}
          aria-describedby={`${id}-problem`}
          required
        />
      </label>
      <fieldset>
        <legend>Password</legend>
        <label className="inline-label">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'generate'}
            onChange={() => setMode('generate')}
          />
          Generate a strong one (shown once)
        </label>
        <label className="inline-label">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'type'}
            onChange={() => setMode('type')}
          />
          Type one in
        </label>
        {mode === 'type' && (
          <label>
            Typed password
            <input
              type="password"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="new-password"
              aria-invalid={invalid('password')}
              aria-describedby={`${id}-rule`}
              required
            />
            <span id={`${id}-rule`} className="muted small">
              At least {PASSWORD_MIN} characters.
            </span>
          </label>
        )}
      </fieldset>
      <label className="inline-label">
        <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
        Instance admin (manages every user and project)
      </label>
      <div className="toolbar">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : submitLabel}
        </button>
      </div>
      <p id={`${id}-problem`} className={problem ? 'error' : 'sr-only'}>
        {problem?.message ?? ''}
      </p>
      <UserError error={create.error} />
    </form>
  );
}
