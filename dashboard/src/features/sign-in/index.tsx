import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, api, setCsrfToken } from '../../lib/api-client.js';

/**
 * Sign-in with the admin token. The token goes to the server once and is dropped; the
 * browser keeps only the HttpOnly session cookie (and the CSRF token in memory).
 */
export function SignInPage({ redirect }: { redirect?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await api<{ csrfToken: string }>('/auth/login', {
        method: 'POST',
        body: JSON.stringify({ token: token.trim() }),
      });
      setCsrfToken(res.csrfToken);
      setToken('');
      queryClient.clear();
      // Only same-app paths: a crafted link must not send the user elsewhere.
      const to = redirect?.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
      await navigate({ href: to });
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That token was not accepted. Use the admin token from .aiobs-data/credentials.json.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to aiobs</h1>
        <label htmlFor="token">Admin token</label>
        <input
          id="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
        <p className="muted small">
          Printed by the collector on first start and saved in{' '}
          <code>.aiobs-data/credentials.json</code>.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
