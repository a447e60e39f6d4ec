import type { PriceEntry, ProjectMember } from '@aiobs/api-types';
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
  isLastOwner,
  isProjectId,
  newestFirst,
  projectIdProblem,
  sectionOf,
  sortMembers,
  toPriceDrafts,
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
      [member('a@x', 'owner')],
    );
    expect(rows.map((r) => [r.at, r.actor, r.target, r.request])).toEqual([
      ['2026-12-02 07:00', 'a@x', 'k1', 'POST /api/v1/projects/shop/keys → 201'],
      ['2026-12-02 06:00', 'admin token', '—', '—'],
      ['2026-12-02 05:00', 'key:k9', 't', 'raw'],
    ]);
    expect(actorName('user:u-a@x', [member('a@x', 'owner')])).toBe('a@x');
    expect(actorName('user:zz')).toBe('user:zz');
    expect(actorName('bootstrap')).toBe('bootstrap');
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
