import type { LoginResponse } from '@aiobs/api-types';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { ApiError, api, setCsrfToken } from '../../lib/api-client.js';
import { validateRangeSearch } from '../../lib/search.js';
import { meQuery } from '../../lib/session.js';
import { landingProject } from './landing.js';

type Method = 'password' | 'token';

/** What to say when sign-in fails: the API's words, except where they would not help. */
function failure(err: unknown, method: Method): string {
  if (err instanceof ApiError && err.status === 401)
    return method === 'password'
      ? 'Wrong email or password.'
      : 'That token was not accepted. Use the admin token from .aiobs-data/credentials.json, a personal API token or a read token.';
  if (err instanceof ApiError && err.status === 429)
    return `Too many attempts. ${err.message}`.trim();
  return err instanceof Error ? err.message : String(err);
}

/**
 * Sign-in with email and password (the default) or with a token (the admin token, a
 * personal API token or a read token). Either goes to the server once and is dropped; the
 * browser keeps only the HttpOnly session cookie (and the CSRF token in memory).
 */
export function SignInPage({ redirect }: { redirect?: string }) {
  const [method, setMethod] = useState<Method>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // After switching method, the cursor goes to the new form's first field.
  const switchTo = (m: Method) => {
    setError(undefined);
    flushSync(() => setMethod(m));
    first.current?.focus();
  };
  const ready =
    method === 'password' ? email.trim() !== '' && password !== '' : token.trim() !== '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body =
        method === 'password' ? { email: email.trim(), password } : { token: token.trim() };
      const res = await api<LoginResponse>('/auth/login', {
        method: 'POST',
        body: JSON.stringify(body),
      });
      setCsrfToken(res.csrfToken);
      setPassword('');
      setToken('');
      queryClient.clear();
      // Only same-app paths: a crafted link must not send the user elsewhere.
      const to = redirect?.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
      const home =
        to === '/' && res.user ? landingProject(await queryClient.fetchQuery(meQuery)) : undefined;
      if (home) await navigate({ to: '/', search: validateRangeSearch({ project: home }) });
      else await navigate({ href: to });
    } catch (err) {
      setError(failure(err, method));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to aiobs</h1>
        {method === 'password' ? (
          <>
            <label htmlFor="email">Email</label>
            <input
              ref={first}
              id="email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            <p className="muted small">
              The first admin is <code>adminUser</code> with <code>adminPassword</code> in{' '}
              <code>.aiobs-data/credentials.json</code>.
            </p>
          </>
        ) : (
          <>
            <label htmlFor="token">Token</label>
            <input
              ref={first}
              id="token"
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              required
            />
            <p className="muted small">
              The admin token (printed on first start and saved in{' '}
              <code>.aiobs-data/credentials.json</code>), a personal API token or a read token.
            </p>
          </>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !ready}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {method === 'password' ? (
          <button type="button" className="link-button" onClick={() => switchTo('token')}>
            Sign in with a token
          </button>
        ) : (
          <button type="button" className="link-button" onClick={() => switchTo('password')}>
            Sign in with email and password
          </button>
        )}
      </form>
    </main>
  );
}
