import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from '../helpers/collector.js';
import {
  axeViolations,
  launchBrowser,
  screenshot,
  signIn,
  signInWithPassword,
  watchProblems,
} from './browser.js';

// The Settings page in Chromium against a real collector: the instance admin signs in with
// the email and password from credentials.json, creates an ingest key (shown once, and it
// really ingests), revokes it (it stops), creates a project and adds a member. Then the
// token sign-in still works beside the password one. Last, the instance admin creates a user
// in the Users section (password generated and shown once), adds them to a project as viewer;
// the user signs in with that password, sees the project read-only and changes the password;
// the admin disables them and their session is refused at once.

let c: RunningCollector;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
let admin: { email: string; password: string };
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });
const MEMBER = { email: 'dev@example.com', name: 'Dev', password: 'a-long-enough-password-1' };
const VIEWER = {
  email: 'viewer@example.com',
  name: 'Vi Ewer',
  newPassword: 'a-new-passphrase-for-vi',
};
let viewerPassword = '';

/** `POST /api/v1/auth/login` with an email and password: 200 when they work. */
async function loginStatus(email: string, password: string): Promise<number> {
  const res = await fetch(`${c.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** An empty OTLP/JSON trace export with `key`: 200 while the key is live, 401 after. */
async function ingestStatus(key: string): Promise<number> {
  const res = await fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ resourceSpans: [] }),
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  c = await startCollector();
  const creds = JSON.parse(readFileSync(join(c.dataDir, 'credentials.json'), 'utf8')) as {
    adminUser: string;
    adminPassword: string;
  };
  admin = { email: creds.adminUser, password: creds.adminPassword };
  await c.api('/api/v1/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(MEMBER),
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  problems = watchProblems(page);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  expect(await c.stop()).toBe(0);
});

async function expectClean(name: string) {
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  expect(problems.list, `problems on ${name}`).toEqual([]);
}

describe('Settings page', () => {
  test('a wrong password is refused; the admin user signs in with email and password', async () => {
    problems.allow(/401 GET .*\/api\/v1\/auth\/session/);
    problems.allow(/401 POST .*\/api\/v1\/auth\/login/);
    problems.allow(/Failed to load resource: the server responded with a status of 401/);
    await page.goto(`${c.url}/settings`);
    await page.waitForURL(/\/sign-in\?redirect=/);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/settings/);
    await poll(() => page.getByTestId('settings-who').textContent()).toBe(admin.email);
    await page.getByTestId('projects-table').locator('tr[data-project="default"]').waitFor();
    problems.list.length = 0;
    await expectClean('settings, projects');
  }, 60_000);

  test('create an ingest key: shown once, it ingests; revoke it: it stops', async () => {
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Keys' })
      .click();
    await page.waitForURL(/tab=keys/);
    await page.getByLabel('Key name').fill('ci pipeline');
    await page.getByRole('button', { name: 'Create key' }).click();
    const value = page.getByTestId('secret-value');
    await value.waitFor();
    const key = await value.inputValue();
    expect(key).toMatch(/^aiobs_ik_/);
    expect(await page.getByTestId('secret-box').textContent()).toContain(
      'This is the only time it is shown',
    );
    const prefix = key.slice(0, 12);
    const row = page.getByTestId('keys-table').locator(`tr[data-key="${prefix}"]`);
    await poll(() => row.textContent()).toContain('ci pipeline');
    expect(await row.textContent()).toContain('never');
    // Created by: the admin is no member of "default", so the members list cannot name it;
    // the users list (or the caller's own account) does, instead of showing its user id.
    await poll(() => row.locator('td').nth(5).textContent()).toBe(admin.email);
    expect(await ingestStatus(key)).toBe(200);
    // Both themes without a reload (a reload would drop the key): set what the toggle sets.
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.evaluate(`document.documentElement.dataset.theme = '${theme}'`);
      await screenshot(page, `${theme}-settings-keys`);
      await expectClean(`settings, new key (${theme})`);
    }
    // Once dismissed, the key is gone from the page: only its prefix stays.
    await page.getByRole('button', { name: 'Done, I have stored it' }).click();
    await poll(() => page.getByTestId('secret-box').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    expect(await row.textContent()).toContain(`${prefix}…`);

    // Rotate: a new key (shown once) and the old one keeps working for the overlap.
    await page.getByRole('button', { name: `Rotate ci pipeline (${prefix})` }).click();
    await row.getByRole('button', { name: 'Yes, rotate' }).click();
    await poll(async () => (await value.count()) && value.inputValue()).toMatch(/^aiobs_ik_/);
    const rotated = await value.inputValue();
    expect(rotated).not.toBe(key);
    const newRow = page.getByTestId('keys-table').locator(`tr[data-key="${rotated.slice(0, 12)}"]`);
    await poll(() => newRow.textContent()).toContain('ci pipeline');
    await poll(() => row.textContent()).toContain('(in 24 h)');
    expect(await ingestStatus(key)).toBe(200);
    expect(await ingestStatus(rotated)).toBe(200);
    await page
      .getByRole('button', { name: `Revoke ci pipeline (${rotated.slice(0, 12)})` })
      .click();
    await newRow.getByRole('button', { name: 'Yes, revoke' }).click();
    await poll(() => newRow.count()).toBe(0);

    await page.getByRole('button', { name: `Revoke ci pipeline (${prefix})` }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await poll(() => row.count()).toBe(0);
    const listed = await c.api<{ keys: Array<{ prefix: string }> }>(
      '/api/v1/projects/default/keys',
    );
    expect(listed.keys.map((k) => k.prefix)).not.toContain(prefix);
    await poll(() => ingestStatus(key)).toBe(401);
    await expectClean('settings, key revoked');
  }, 90_000);

  test('create a project, open it and add a member with a role', async () => {
    await page.goto(`${c.url}/settings?tab=projects`);
    await page.getByLabel('Id', { exact: true }).fill('shop');
    await page.getByLabel('Name', { exact: true }).fill('Shop');
    await page.getByRole('button', { name: 'Create project' }).click();
    const shop = page.getByTestId('projects-table').locator('tr[data-project="shop"]');
    await poll(() => shop.textContent()).toContain('owner');
    await shop.getByRole('link', { name: 'Manage shop' }).click();
    await page.waitForURL(/project=shop/);
    await poll(() => page.getByTestId('settings-project').textContent()).toBe('shop');
    // The creator is the owner; the switcher in the top bar shows the project.
    const me = page.getByTestId('members-table').locator(`tr[data-member="${admin.email}"]`);
    await poll(() => me.getByRole('combobox').inputValue()).toBe('owner');
    expect(await page.getByRole('combobox', { name: 'Project' }).inputValue()).toBe('shop');

    await page.getByLabel('Email').fill(MEMBER.email);
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Add member' }).click();
    const dev = page.getByTestId('members-table').locator(`tr[data-member="${MEMBER.email}"]`);
    await poll(() => dev.getByRole('combobox').inputValue()).toBe('editor');
    const members = await c.api<{ members: Array<{ email: string; role: string }> }>(
      '/api/v1/projects/shop/members',
    );
    expect(members.members.map((m) => [m.email, m.role]).sort()).toEqual(
      [
        [admin.email, 'owner'],
        [MEMBER.email, 'editor'],
      ].sort(),
    );
    // Every page asks for the project in the URL, and the nav keeps it.
    const models = page.waitForRequest(/\/api\/v1\/models\?.*project=shop/);
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Models' })
      .click();
    await models;
    expect(new URL(page.url()).searchParams.get('project')).toBe('shop');
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Settings' })
      .click();
    await page.waitForURL(/\/settings\?.*project=shop/);
    // The switcher goes back to the default project (which the URL then leaves out).
    await page.getByRole('combobox', { name: 'Project' }).selectOption('default');
    await poll(() => page.getByTestId('settings-project').textContent()).toBe('default');
    expect(new URL(page.url()).searchParams.has('project')).toBe(false);
    await page.goto(`${c.url}/settings?project=shop&tab=members`);
    // The audit log of the project names what happened.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await poll(() => page.getByTestId('audit-table').textContent()).toContain(
      'POST /api/v1/projects/shop/members',
    );
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${c.url}/settings?project=shop&tab=members`);
      await dev.waitFor();
      await screenshot(page, `${theme}-settings-members`);
      await expectClean(`settings, members (${theme})`);
      await page.goto(`${c.url}/settings?tab=connect`);
      await page.getByText('otlphttp/aiobs:').waitFor();
      await screenshot(page, `${theme}-settings-connect`);
      await expectClean(`settings, connect (${theme})`);
    }
  }, 120_000);

  test('token sign-in still works beside the password one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await signIn(page, c.url, c.adminToken);
    await page.goto(`${c.url}/settings?tab=tokens`);
    await poll(() => page.getByTestId('settings-who').textContent()).toBe('admin token');
    await page.getByText('Personal tokens belong to users').waitFor();
    await expectClean('settings, tokens with the admin token');
  }, 60_000);

  test('a signed-in user creates a personal token (shown once) and deletes it', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await signInWithPassword(page, c.url, MEMBER.email, MEMBER.password);
    // Not a member of the default project: they land on theirs, whose calls answer.
    await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('project') === 'shop');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goto(`${c.url}/settings?tab=tokens`);
    await poll(() => page.getByTestId('settings-who').textContent()).toBe(MEMBER.email);
    await page.getByLabel('Token name').fill('laptop');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByTestId('secret-value').inputValue();
    expect(token).toMatch(/^aiobs_pt_/);
    const me = await fetch(`${c.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(MEMBER.email);
    const row = page.getByTestId('tokens-table').locator(`tr[data-token="${token.slice(0, 12)}"]`);
    await poll(() => row.textContent()).toContain('laptop');
    await expectClean('settings, new token');
    await page.getByRole('button', { name: /^Delete laptop/ }).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await poll(() => row.count()).toBe(0);
    await poll(
      async () =>
        (
          await fetch(`${c.url}/api/v1/auth/me`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
    ).toBe(401);
    await expectClean('settings, token deleted');
  }, 60_000);

  test('the instance admin creates a user: password shown once; a taken email and the last admin are refused clearly', async () => {
    problems.allow(/409 POST .*\/api\/v1\/users/);
    problems.allow(/409 PATCH .*\/api\/v1\/users\//);
    problems.allow(/Failed to load resource: the server responded with a status of 409/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await signInWithPassword(page, c.url, admin.email, admin.password);
    await page.goto(`${c.url}/settings`);
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.waitForURL(/tab=users/);
    const users = page.getByTestId('users-table');
    await poll(() => users.locator(`tr[data-user="${admin.email}"]`).textContent()).toContain(
      'yes',
    );
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Email').fill(VIEWER.email);
    await form.getByLabel('Name').fill(VIEWER.name);
    expect(await form.getByLabel('Generate a strong one (shown once)').isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Create user' }).click();
    const value = page.getByTestId('secret-value');
    await value.waitFor();
    viewerPassword = await value.inputValue();
    expect(viewerPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await page.getByTestId('secret-box').textContent()).toContain(
      'This is the only time it is shown',
    );
    const row = users.locator(`tr[data-user="${VIEWER.email}"]`);
    await poll(() => row.textContent()).toContain('active');
    expect(await row.textContent()).toContain(VIEWER.name);
    await screenshot(page, 'settings-users');
    await expectClean('settings, users, new password shown');
    await page.getByRole('button', { name: 'Done, I have stored it' }).click();
    await poll(() => page.getByTestId('secret-box').count()).toBe(0);
    expect(await page.content()).not.toContain(viewerPassword);

    // The same email again: 409, said as what to do.
    await form.getByLabel('Email').fill(VIEWER.email.toUpperCase());
    await form.getByLabel('Name').fill('Someone else');
    await form.getByRole('button', { name: 'Create user' }).click();
    await poll(() => form.getByRole('alert').textContent()).toContain(
      'A user with this email exists already',
    );
    // The only instance admin cannot be disabled: 409, said in a sentence.
    await page.getByRole('button', { name: `Disable ${admin.email}`, exact: true }).click();
    await page.getByRole('button', { name: 'Yes, disable' }).click();
    await poll(() => page.getByRole('alert').first().textContent()).toContain(
      'last active instance admin',
    );
    expect(await users.locator(`tr[data-user="${admin.email}"]`).textContent()).toContain('active');
    problems.list.length = 0;
    await expectClean('settings, users, refusals');
  }, 90_000);

  test('the admin adds the user as viewer; an unknown email offers "create user and add"', async () => {
    problems.allow(/404 POST .*\/api\/v1\/projects\/shop\/members/);
    problems.allow(/Failed to load resource: the server responded with a status of 404/);
    await page.goto(`${c.url}/settings?project=shop&tab=members`);
    const add = page.getByRole('form', { name: 'Add a member' });
    await add.getByLabel('Email').fill(VIEWER.email);
    await add.getByLabel('Role', { exact: true }).selectOption('viewer');
    await add.getByRole('button', { name: 'Add member' }).click();
    const viewer = page.getByTestId('members-table').locator(`tr[data-member="${VIEWER.email}"]`);
    await poll(() => viewer.getByRole('combobox').inputValue()).toBe('viewer');

    await add.getByLabel('Email').fill('ops@example.com');
    await add.getByRole('button', { name: 'Add member' }).click();
    await poll(() => add.getByRole('alert').textContent()).toContain(
      'No user has the email ops@example.com yet',
    );
    const create = page.getByRole('region', { name: 'Create user ops@example.com' });
    await create.getByLabel('Name').fill('Ops');
    await create.getByLabel('Type one in').check();
    await create.getByLabel('Typed password').fill('too-short');
    await create.getByRole('button', { name: 'Create user and add as viewer' }).click();
    await poll(() => create.getByText('Use at least 12 characters').count()).toBe(1);
    await create.getByLabel('Typed password').fill('ops-typed-password-1');
    await create.getByRole('button', { name: 'Create user and add as viewer' }).click();
    const ops = page.getByTestId('members-table').locator('tr[data-member="ops@example.com"]');
    await poll(() => ops.getByRole('combobox').inputValue()).toBe('viewer');
    expect(await page.getByTestId('secret-box').count()).toBe(0);
    expect(await loginStatus('ops@example.com', 'ops-typed-password-1')).toBe(200);
    problems.list.length = 0;
    await expectClean('settings, members, created and added');
  }, 90_000);

  test('the new user signs in with the shown password, sees the project read-only, changes the password', async () => {
    problems.allow(/403 GET .*\/api\/v1\/projects\/shop\/members/);
    problems.allow(/400 POST .*\/api\/v1\/auth\/password/);
    problems.allow(/Failed to load resource: the server responded with a status of (400|403)/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await signInWithPassword(page, c.url, VIEWER.email, viewerPassword);
    await page.goto(`${c.url}/settings?tab=projects`);
    await poll(() => page.getByTestId('settings-who').textContent()).toBe(VIEWER.email);
    await poll(() =>
      page.getByTestId('projects-table').locator('tr[data-project="shop"]').textContent(),
    ).toContain('viewer');
    const sections = page.getByRole('navigation', { name: 'Settings sections' });
    expect(await sections.getByRole('link', { name: 'Users' }).count()).toBe(0);
    // Read-only: the members list needs the owner role (403), and no add form is offered.
    await page.goto(`${c.url}/settings?project=shop&tab=members`);
    await poll(() => page.getByText('Not available with these credentials').count()).toBe(1);
    expect(await page.getByText('the owner role in “shop”').count()).toBe(1);
    expect(await page.getByRole('form', { name: 'Add a member' }).count()).toBe(0);

    await sections.getByRole('link', { name: 'My account' }).click();
    await page.waitForURL(/tab=account/);
    const form = page.getByRole('form', { name: 'Change my password' });
    await form.getByLabel('Current password').fill('not-my-password');
    await form.getByLabel('New password', { exact: true }).fill(VIEWER.newPassword);
    await form.getByLabel('Confirm new password').fill(`${VIEWER.newPassword}x`);
    await form.getByRole('button', { name: 'Change password' }).click();
    await poll(() => form.getByText('The two new passwords differ.').count()).toBe(1);
    await form.getByLabel('Confirm new password').fill(VIEWER.newPassword);
    await form.getByRole('button', { name: 'Change password' }).click();
    await poll(() => form.getByRole('alert').textContent()).toBe('The current password is wrong.');
    await form.getByLabel('Current password').fill(viewerPassword);
    await form.getByRole('button', { name: 'Change password' }).click();
    await poll(() => form.getByRole('status').textContent()).toContain('Password changed');
    expect(await form.getByText('At least 12 characters').count()).toBe(1);
    problems.list.length = 0;
    await expectClean('settings, my account');
    expect(await loginStatus(VIEWER.email, viewerPassword)).toBe(401);
    expect(await loginStatus(VIEWER.email, VIEWER.newPassword)).toBe(200);
    // This browser's session goes on with the fresh CSRF token: a write without a reload works.
    await sections.getByRole('link', { name: 'My tokens' }).click();
    await page.getByLabel('Token name').fill('after the change');
    await page.getByRole('button', { name: 'Create token' }).click();
    await poll(
      async () =>
        (await page.getByTestId('secret-value').count()) &&
        page.getByTestId('secret-value').inputValue(),
    ).toMatch(/^aiobs_pt_/);
  }, 90_000);

  test('the admin disables the user: their next request is refused', async () => {
    const other = await launchBrowser();
    try {
      const adminPage = await other.context.newPage();
      const adminProblems = watchProblems(adminPage);
      await signInWithPassword(adminPage, c.url, admin.email, admin.password);
      await adminPage.goto(`${c.url}/settings?tab=users`);
      const row = adminPage.getByTestId('users-table').locator(`tr[data-user="${VIEWER.email}"]`);
      await poll(() => row.textContent()).toContain('active');
      await adminPage.getByRole('button', { name: `Disable ${VIEWER.email}`, exact: true }).click();
      await row.getByRole('button', { name: 'Yes, disable' }).click();
      await poll(() => row.textContent()).toContain('disabled');
      // A reset password is generated and shown once; the old one stops working.
      await adminPage
        .getByRole('button', { name: 'Reset password of ops@example.com', exact: true })
        .click();
      await adminPage.getByRole('button', { name: 'Yes, reset password' }).click();
      const value = adminPage.getByTestId('secret-value');
      await value.waitFor();
      const reset = await value.inputValue();
      expect(reset).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(await loginStatus('ops@example.com', reset)).toBe(200);
      expect(await loginStatus('ops@example.com', 'ops-typed-password-1')).toBe(401);
      expect(await axeViolations(adminPage), 'axe on settings, user disabled').toEqual([]);
      expect(adminProblems.list, 'problems on settings, user disabled').toEqual([]);
    } finally {
      await other.close();
    }
    problems.allow(/401 GET .*\/api\/v1\//);
    problems.allow(/Failed to load resource: the server responded with a status of 401/);
    await page.goto(`${c.url}/settings?tab=account`);
    await page.waitForURL(/\/sign-in/);
    expect(await loginStatus(VIEWER.email, VIEWER.newPassword)).toBe(401);
  }, 90_000);
});
