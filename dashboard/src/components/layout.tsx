import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { ProjectSwitcher } from '../features/settings/components/project-switcher.js';
import { ApiError, api, setCsrfToken, setProject } from '../lib/api-client.js';
import { sessionQuery } from '../lib/session.js';
import { applyTheme, currentTheme, type Theme } from '../lib/theme.js';
import { useRangeSearch } from '../lib/use-range.js';
import { ErrorState, Loading } from './states.js';
import { TimePicker } from './time-picker.js';

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/models', label: 'Models' },
  { to: '/traces', label: 'Traces' },
  { to: '/drift', label: 'Drift' },
  { to: '/infrastructure', label: 'Infrastructure' },
  { to: '/alerts', label: 'Alerts' },
  { to: '/settings', label: 'Settings' },
] as const;

/**
 * The signed-in shell: navigation, the time picker, theme toggle and sign-out around the
 * page. It checks the session first (and picks up its CSRF token); without one it sends the
 * browser to sign-in.
 */
export function Layout() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { from, to, refresh, project } = useRangeSearch();
  // What the nav carries from page to page: the range and the project, not page filters.
  const search = { from, to, refresh, project };
  // Set before the page renders: its requests and cache keys use it (api-client, query-client).
  setProject(project);
  const [theme, setTheme] = useState<Theme>(currentTheme);
  // Its query keeps the CSRF token (session.ts).
  const session = useQuery(sessionQuery);
  const unauthorized = session.error instanceof ApiError && session.error.status === 401;
  useEffect(() => {
    if (unauthorized)
      navigate({
        to: '/sign-in',
        search: { redirect: window.location.pathname + window.location.search },
      });
  }, [unauthorized, navigate]);
  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next, true);
    setTheme(next);
  };
  const signOut = async () => {
    await api('/auth/logout', { method: 'POST' });
    setCsrfToken(undefined);
    queryClient.clear();
    await navigate({ to: '/sign-in', search: { redirect: undefined } });
  };
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" search={search} className="brand">
          aiobs
        </Link>
        {session.isSuccess && <ProjectSwitcher project={project ?? 'default'} />}
        <TimePicker />
        <div className="topbar-actions">
          <button
            type="button"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Pages">
        <ul>
          {NAV.map((n) => (
            <li key={n.to}>
              <Link
                to={n.to}
                search={search}
                activeOptions={{ exact: n.to === '/', includeSearch: false }}
                activeProps={{ className: 'active', 'aria-current': 'page' }}
              >
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {/* Focusable by the skip link only, so keyboard users land in the page, not above it. */}
      <main id="main" className="content" tabIndex={-1}>
        {session.isPending || unauthorized ? (
          <Loading label="Checking session" />
        ) : session.isError ? (
          <ErrorState error={session.error} retry={() => session.refetch()} />
        ) : (
          // Keyed by project: switching remounts the page, so no state of the last one stays.
          <Outlet key={project ?? 'default'} />
        )}
      </main>
    </div>
  );
}
