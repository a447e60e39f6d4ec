import type { PriceEntry, ProjectMember, UserInfo } from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import { withProject } from '../../lib/api-client.js';
import {
  actorName,
  auditRows,
  blankPrice,
  connectSnippets,
  expiresAtFor,
  expiryState,
  formatWhen,
  fromPriceDrafts,
  generatePassword,
  isLastActiveAdmin,
  isLastOwner,
  isProjectId,
  isUnknownEmail,
  newestFirst,
  newUserProblem,
  passwordChangeProblem,
  passwordProblem,
  peopleOf,
  projectIdProblem,
  sectionOf,
  sortMembers,
  sortUsers,
  toPriceDrafts,
  userErrorText,
  visibleSections,
} from './prepare.js';

const NOW = Date.parse('2026-12-02T07:00:00.000Z');
const member = (email: string, role: ProjectMember['role']): ProjectMember => ({
  userId: `u-${email}`,
  email,
  name: '',
  role,
  createdAt: '2026-12-01T00:00:00.000Z',
});

describe('sections and project ids', () => {
  it('reads the tab from the URL, falling back to Projects', () => {
    expect(sectionOf('keys')).toBe('keys');
    expect(sectionOf('nope')).toBe('projects');
    expect(sectionOf(undefined)).toBe('projects');
    expect(sectionOf('users')).toBe('users');
    expect(sectionOf('account')).toBe('account');
  });
  it('shows Users only to the instance admin; My account to everyone', () => {
    const ids = (admin: boolean) => visibleSections(admin).map((s) => s.id);
    expect(ids(true)).toContain('users');
    expect(ids(false)).not.toContain('users');
    expect(ids(false)).toContain('account');
    expect(ids(true).length).toBe(ids(false).length + 1);
  });
  it('accepts the ids the collector accepts and says why others are refused', () => {
    expect(projectIdProblem('checkout-prod.v2_eu')).toBeUndefined();
    expect(projectIdProblem('')).toBe('Enter an id.');
    expect(projectIdProblem('has space')).toMatch(/letters, digits/);
    expect(projectIdProblem('x'.repeat(65))).toMatch(/1–64/);
    expect(isProjectId('shop')).toBe(true);
    expect(isProjectId('a/b')).toBe(false);
    expect(isProjectId(3)).toBe(false);
  });
});

describe('expiry', () => {
  it('turns a lifetime into an ISO time, or none for "never"', () => {
    expect(expiresAtFor('never', NOW)).toBeUndefined();
    expect(expiresAtFor('30d', NOW)).toBe('2027-01-01T07:00:00.000Z');
  });
  it('says whether a key is good, soon gone or gone', () => {
    expect(expiryState(null, NOW)).toEqual({ label: 'never', tone: 'ok' });
    expect(expiryState('2026-12-02T06:00:00.000Z', NOW)).toEqual({
      label: 'expired 2026-12-02 06:00',
      tone: 'expired',
    });
    expect(expiryState('2026-12-03T07:00:00.000Z', NOW)).toEqual({
      label: '2026-12-03 07:00 (in 24 h)',
      tone: 'warn',
    });
    expect(expiryState('2026-12-02T07:20:00.000Z', NOW).label).toContain('in 20 min');
    expect(expiryState('2027-03-02T07:00:00.000Z', NOW)).toEqual({
      label: '2027-03-02 07:00 (in 90 d)',
      tone: 'ok',
    });
  });
  it('formats times in UTC to the minute', () => {
    expect(formatWhen('2026-12-02T07:08:09.123Z')).toBe('2026-12-02 07:08');
    expect(formatWhen(null)).toBe('—');
    expect(formatWhen('soon')).toBe('soon');
  });
});

describe('lists', () => {
  it('puts the newest key first', () => {
    const keys = [
      { id: 'a', createdAt: '2026-12-01T00:00:00Z' },
      { id: 'b', createdAt: '2026-12-02T00:00:00Z' },
    ];
    expect(newestFirst(keys).map((k) => k.id)).toEqual(['b', 'a']);
    expect(keys[0]!.id).toBe('a');
  });
  it('sorts members owners first, then by email, and knows the last owner', () => {
    const ms = [member('c@x', 'viewer'), member('b@x', 'owner'), member('a@x', 'editor')];
    expect(sortMembers(ms).map((m) => m.email)).toEqual(['b@x', 'a@x', 'c@x']);
    expect(isLastOwner(ms[1]!, ms)).toBe(true);
    expect(isLastOwner(ms[0]!, ms)).toBe(false);
    const two = [...ms, member('d@x', 'owner')];
    expect(isLastOwner(two[1]!, two)).toBe(false);
  });
  it('writes audit entries with the actor by email and the request in one line', () => {
    const rows = auditRows(
      [
        {
          at: '2026-12-02T07:00:00.000Z',
          actor: 'user:u-a@x',
          action: 'projects.keys.create',
          target: 'k1',
          details: '{"method":"POST","path":"/api/v1/projects/shop/keys","status":201}',
        },
        {
          at: '2026-12-02T06:00:00.000Z',
          actor: 'admin-token',
          action: 'x',
          target: '',
          details: '',
        },
        {
          at: '2026-12-02T05:00:00.000Z',
          actor: 'key:k9',
          action: 'y',
          target: 't',
          details: 'raw',
        },
      ],
      peopleOf([member('a@x', 'owner')], undefined, undefined),
    );
    expect(rows.map((r) => [r.at, r.actor, r.target, r.request])).toEqual([
      ['2026-12-02 07:00', 'a@x', 'k1', 'POST /api/v1/projects/shop/keys → 201'],
      ['2026-12-02 06:00', 'admin token', '—', '—'],
      ['2026-12-02 05:00', 'key:k9', 't', 'raw'],
    ]);
    expect(actorName('user:u-a@x', peopleOf([member('a@x', 'owner')], [], null))).toBe('a@x');
    expect(actorName('user:zz')).toBe('unknown user');
    expect(actorName('bootstrap')).toBe('bootstrap');
  });

  it('names a creator who is not a member: the instance admin from the users list, or the caller', () => {
    const user = (id: string, email: string): UserInfo => ({
      id,
      email,
      name: email.split('@')[0]!,
      instanceAdmin: false,
      disabled: false,
      createdAt: '2026-12-01T00:00:00.000Z',
    });
    const members = [member('a@x', 'owner')];
    // The admin created the key in a project it is not a member of: a raw id before.
    expect(actorName('user:u-root', peopleOf(members, undefined, user('u-root', 'root@x')))).toBe(
      'root@x',
    );
    expect(actorName('user:u-b', peopleOf(members, [user('u-b', 'b@x')], null))).toBe('b@x');
    expect(actorName('user:u-gone', peopleOf(members, [user('u-b', 'b@x')], null))).toBe(
      'unknown user',
    );
  });
});

describe('prices', () => {
  const stored: PriceEntry[] = [
    {
      provider: 'openai',
      model: 'gpt-4o',
      effectiveFrom: '2026-01-01',
      inputPerMillion: 2.5,
      outputPerMillion: 10,
      cacheReadPerMillion: 1.25,
    },
    {
      provider: 'self',
      model: 'llama',
      effectiveFrom: '2026-01-01',
      inputPerMillion: 0,
      outputPerMillion: 0,
      cacheReadPerMillion: 0,
      gpuHourUsd: 2.1,
    },
    {
      provider: 'anthropic',
      model: 'claude',
      effectiveFrom: '2026-01-01',
      inputPerMillion: 3,
      outputPerMillion: 15,
      cacheReadPerMillion: 0.3,
    },
  ];
  it('round-trips the stored list through the editor rows, sorted', () => {
    const drafts = toPriceDrafts(stored);
    expect(drafts.map((d) => d.provider)).toEqual(['anthropic', 'openai', 'self']);
    expect(drafts[2]!.gpuHourUsd).toBe('2.1');
    expect(drafts[0]!.gpuHourUsd).toBe('');
    const back = fromPriceDrafts(drafts);
    expect('prices' in back && back.prices).toEqual([stored[2], stored[0], stored[1]]);
  });
  it('names the row and field of the first problem', () => {
    const rows = toPriceDrafts(stored);
    expect(fromPriceDrafts([...rows, blankPrice('2026-12-02')])).toEqual({
      error: 'Enter a provider.',
      row: 3,
      field: 'provider',
    });
    const bad = rows.map((r, i) => (i === 1 ? { ...r, outputPerMillion: '-1' } : r));
    expect(fromPriceDrafts(bad)).toMatchObject({ row: 1, field: 'outputPerMillion' });
    const date = rows.map((r, i) => (i === 0 ? { ...r, effectiveFrom: '2026-13-45' } : r));
    expect(fromPriceDrafts(date)).toMatchObject({ row: 0, field: 'effectiveFrom' });
    const gpu = rows.map((r, i) => (i === 0 ? { ...r, gpuHourUsd: 'abc' } : r));
    expect(fromPriceDrafts(gpu)).toMatchObject({ row: 0, field: 'gpuHourUsd' });
    expect(fromPriceDrafts([])).toEqual({ prices: [] });
  });
});

describe('connect snippets', () => {
  it('fill in this collector and the key placeholder, with the documented commands', () => {
    const s = connectSnippets('https://aiobs.example.com:4318');
    expect(s.sdk).toContain("endpoint: 'https://aiobs.example.com:4318'");
    expect(s.sdk).toContain("from '@aiobs/sdk'");
    expect(s.otelEnv).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=https://aiobs.example.com:4318');
    expect(s.otelEnv).toContain('OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer <ingest key>"');
    expect(s.collectorYaml).toContain('otlphttp/aiobs:');
    expect(s.collectorYaml).toContain('endpoint: https://aiobs.example.com:4318');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Collector's own ${env:…} syntax
    expect(s.collectorYaml).toContain('Bearer ${env:AIOBS_API_KEY}');
    expect(s.agent).toContain(
      'sudo aiobs-agent install --collector https://aiobs.example.com:4318 --api-key-file ./ingest.key --enable',
    );
    expect(connectSnippets('http://h', 'aiobs_ik_x').otelEnv).toContain('Bearer aiobs_ik_x');
  });
});

describe('project in API paths', () => {
  it('adds ?project= only to routes that read it from the query', () => {
    expect(withProject('/models', 'shop')).toBe('/models?project=shop');
    expect(withProject('/models?from=1', 'shop')).toBe('/models?from=1&project=shop');
    expect(withProject('/models', undefined)).toBe('/models');
    expect(withProject('/projects/shop/keys', 'shop')).toBe('/projects/shop/keys');
    expect(withProject('/auth/me', 'shop')).toBe('/auth/me');
    expect(withProject('/users', 'shop')).toBe('/users');
    expect(withProject('/models?project=x', 'shop')).toBe('/models?project=x');
    expect(withProject('/traces', 'a b')).toBe('/traces?project=a%20b');
  });
});

const user = (email: string, over: Partial<UserInfo> = {}): UserInfo => ({
  id: `u-${email}`,
  email,
  name: email.split('@')[0]!,
  instanceAdmin: false,
  disabled: false,
  createdAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

describe('generated passwords', () => {
  const ALPHABET = /^[A-HJ-NP-Za-km-z2-9_-]+$/;
  it('are long, from the unambiguous alphabet, and differ each time', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a).toHaveLength(24);
    expect(a).toMatch(ALPHABET);
    expect(a).not.toBe(b);
    expect(passwordProblem(a)).toBeUndefined();
    expect(generatePassword(8)).toHaveLength(20);
    expect(generatePassword(40)).toHaveLength(40);
  });
  it('draw from crypto.getRandomValues by default', () => {
    const seen: number[] = [];
    const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
    const spy = (bytes: Uint8Array) => {
      seen.push(bytes.length);
      return real(bytes);
    };
    const original = globalThis.crypto.getRandomValues;
    Object.defineProperty(globalThis.crypto, 'getRandomValues', { value: spy, configurable: true });
    try {
      generatePassword();
    } finally {
      Object.defineProperty(globalThis.crypto, 'getRandomValues', {
        value: original,
        configurable: true,
      });
    }
    expect(seen.length).toBeGreaterThan(0);
  });
  it('skip bytes that would bias the pick, so each character is equally likely', () => {
    // 59 characters: bytes 236-255 would favour the first 20; they are drawn again.
    let call = 0;
    const source = (bytes: Uint8Array) => {
      if (call++ > 0) return bytes.fill(0);
      // The first draw: one biased byte, the last character, then only biased bytes.
      bytes.fill(255);
      bytes[0] = 236;
      bytes[1] = 58;
      return bytes;
    };
    expect(generatePassword(20, source)).toBe(`_${'A'.repeat(19)}`);
    expect(call).toBe(2);
    // Uniform over many draws: every character shows up, none far more often than the rest.
    const counts = new Map<string, number>();
    for (const ch of Array.from({ length: 400 }, () => generatePassword(25)).join(''))
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(59);
    expect(Math.max(...counts.values())).toBeLessThan((10_000 / 59) * 1.5);
  });
});

describe('password and user forms', () => {
  it('apply the 12-character rule in characters, as the collector does', () => {
    expect(passwordProblem('short')).toBe('Use at least 12 characters (5 so far).');
    expect(passwordProblem('x'.repeat(12))).toBeUndefined();
    expect(passwordProblem('🔑'.repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(257))).toBe('Use at most 256 characters.');
  });
  it('name the field of the first problem of a new user', () => {
    expect(newUserProblem({ email: 'nope', name: 'A' })).toEqual({
      field: 'email',
      message: 'Enter an email address.',
    });
    expect(newUserProblem({ email: 'a@x', name: ' ' })?.field).toBe('name');
    expect(newUserProblem({ email: 'a@x', name: 'A', password: 'short' })?.field).toBe('password');
    // A generated password is not typed: there is nothing to check.
    expect(newUserProblem({ email: ' a@x ', name: 'A' })).toBeUndefined();
  });
  it('check a password change: current given, new by the rule and different, typed twice', () => {
    const ok = { currentPassword: 'old-password-1', newPassword: 'new-password-12', confirm: '' };
    expect(passwordChangeProblem({ ...ok, currentPassword: '' })?.field).toBe('currentPassword');
    expect(passwordChangeProblem({ ...ok, newPassword: 'short' })?.field).toBe('newPassword');
    expect(passwordChangeProblem({ ...ok, newPassword: ok.currentPassword })?.message).toMatch(
      /different/,
    );
    expect(passwordChangeProblem(ok)).toEqual({
      field: 'confirm',
      message: 'The two new passwords differ.',
    });
    expect(passwordChangeProblem({ ...ok, confirm: ok.newPassword })).toBeUndefined();
  });
});

describe('users', () => {
  it('lists active users first, then by email', () => {
    const us = [user('c@x'), user('a@x', { disabled: true }), user('b@x')];
    expect(sortUsers(us).map((u) => u.email)).toEqual(['b@x', 'c@x', 'a@x']);
  });
  it('knows the last active instance admin', () => {
    const admin = user('root@x', { instanceAdmin: true });
    const off = user('old@x', { instanceAdmin: true, disabled: true });
    expect(isLastActiveAdmin(admin, [admin, off, user('a@x')])).toBe(true);
    expect(isLastActiveAdmin(admin, [admin, user('b@x', { instanceAdmin: true })])).toBe(false);
    expect(isLastActiveAdmin(off, [admin, off])).toBe(false);
    expect(isLastActiveAdmin(user('a@x'), [admin])).toBe(false);
  });
  it('says what a refusal means and what to do', () => {
    expect(
      userErrorText({
        status: 409,
        code: 'conflict',
        message: 'a user with email "a@x" exists',
        field: 'email',
      }),
    ).toMatch(/^A user with this email exists already/);
    expect(
      userErrorText({ status: 409, code: 'conflict', message: 'last', field: 'disabled' }),
    ).toMatch(/last active instance admin: make another user instance admin first/);
    expect(
      userErrorText({
        status: 400,
        code: 'bad_request',
        message: 'password must be at least 12 characters',
        field: 'password',
      }),
    ).toBe('Password: password must be at least 12 characters');
    expect(
      userErrorText({ status: 400, code: 'bad_request', message: 'x', field: 'currentPassword' }),
    ).toBe('The current password is wrong.');
    expect(userErrorText({ status: 403, code: 'forbidden', message: 'admins only' })).toBe(
      'Not allowed with these credentials: admins only',
    );
    expect(userErrorText({ status: 500, code: 'internal', message: 'boom' })).toBe('boom');
  });
  it('tells an unknown email apart from other refusals of a new member', () => {
    expect(isUnknownEmail({ status: 404, field: 'email' })).toBe(true);
    expect(isUnknownEmail({ status: 404, field: 'userId' })).toBe(false);
    expect(isUnknownEmail({ status: 403 })).toBe(false);
    expect(isUnknownEmail(undefined)).toBe(false);
  });
});
