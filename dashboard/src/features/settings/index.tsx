import { Link } from '@tanstack/react-router';
import { useRangeSearch } from '../../lib/use-range.js';
import { useMe } from './api.js';
import { AccountTab } from './components/account-tab.js';
import { AuditTab } from './components/audit-tab.js';
import { ConnectTab } from './components/connect-tab.js';
import { KeysTab } from './components/keys-tab.js';
import { MembersTab } from './components/members-tab.js';
import { PricesTab } from './components/prices-tab.js';
import { ProjectsTab } from './components/projects-tab.js';
import { TokensTab } from './components/tokens-tab.js';
import { UsersTab } from './components/users-tab.js';
import { type SectionId, visibleSections } from './prepare.js';
import './settings.css';

/**
 * Settings: projects, members, keys, users (instance admin), the signed-in user's account and
 * personal tokens, the audit log, prices and the snippets to connect senders. Sections are links (`?tab=`), so each can be shared; the project is
 * the URL's `project=`, as on every page.
 */
export function SettingsPage({ tab }: { tab: SectionId }) {
  const search = useRangeSearch();
  const project = search.project ?? 'default';
  const me = useMe();
  const user = me.data?.user?.email;
  return (
    <>
      <h1>Settings</h1>
      <p className="muted">
        Project <code data-testid="settings-project">{project}</code>
        {me.data && (
          <>
            {user ? ' · signed in as ' : ' · signed in with the '}
            <span data-testid="settings-who">{user ?? `${me.data.kind} token`}</span>
            {me.data.instanceAdmin ? ' (instance admin)' : ''}
          </>
        )}
      </p>
      <nav aria-label="Settings sections" className="tabs">
        <ul>
          {visibleSections(me.data?.instanceAdmin === true).map((s) => (
            <li key={s.id}>
              <Link
                to="/settings"
                search={{ ...search, tab: s.id }}
                aria-current={s.id === tab ? 'page' : undefined}
                className={s.id === tab ? 'active' : undefined}
              >
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'projects' && <ProjectsTab project={project} />}
      {tab === 'members' && <MembersTab project={project} />}
      {tab === 'keys' && <KeysTab project={project} />}
      {tab === 'users' && <UsersTab me={me.data} />}
      {tab === 'account' && <AccountTab me={me.data} />}
      {tab === 'tokens' && <TokensTab me={me.data} />}
      {tab === 'audit' && <AuditTab project={project} />}
      {tab === 'prices' && <PricesTab />}
      {tab === 'connect' && <ConnectTab project={project} />}
    </>
  );
}
