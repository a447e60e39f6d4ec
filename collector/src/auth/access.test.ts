import { describe, expect, it } from 'vitest';
import { grantFor, neededFor, refusal, roleIn } from './access.js';
import type { Principal } from './principal.js';

const admin: Principal = { kind: 'admin', projectId: 'default' };
const readA: Principal = { kind: 'read', projectId: 'A' };
const ingestA: Principal = { kind: 'ingest', projectId: 'A' };
const user: Principal = { kind: 'user', projectId: 'default', userId: 'u1' };
const active = { instanceAdmin: false, disabled: false };

describe('grantFor', () => {
  it('gives the admin token every project', () => {
    const g = grantFor(admin)!;
    expect(roleIn(g, 'anything')).toBe('owner');
    expect(refusal(g, 'B', 'owner', 'DELETE')).toBeUndefined();
  });

  it('gives a read token its own project, read-only', () => {
    const g = grantFor(readA)!;
    expect(refusal(g, 'A', 'viewer', 'GET')).toBeUndefined();
    expect(refusal(g, 'A', 'viewer', 'HEAD')).toBeUndefined();
    expect(refusal(g, 'A', 'editor', 'POST')).toBe('forbidden');
    // Even where a route would accept a viewer, a read token never writes.
    expect(refusal(g, 'A', 'viewer', 'POST')).toBe('forbidden');
    expect(refusal(g, 'B', 'viewer', 'GET')).toBe('not_found');
  });

  it('gives an ingest key no API project', () => {
    const g = grantFor(ingestA)!;
    expect(refusal(g, 'A', 'viewer', 'GET')).toBe('not_found');
  });

  it("gives a user their memberships' roles", () => {
    const g = grantFor(
      user,
      active,
      new Map([
        ['A', 'viewer'],
        ['C', 'owner'],
      ]),
    )!;
    expect(refusal(g, 'A', neededFor('GET'), 'GET')).toBeUndefined();
    expect(refusal(g, 'A', neededFor('POST'), 'POST')).toBe('forbidden');
    expect(refusal(g, 'C', 'owner', 'POST')).toBeUndefined();
    expect(refusal(g, 'B', 'viewer', 'GET')).toBe('not_found');
  });

  it('gives an instance-admin user every project', () => {
    const g = grantFor(user, { instanceAdmin: true, disabled: false }, new Map())!;
    expect(refusal(g, 'B', 'owner', 'DELETE')).toBeUndefined();
  });

  it('refuses a disabled or unknown user', () => {
    expect(grantFor(user, { instanceAdmin: true, disabled: true })).toBeUndefined();
    expect(grantFor(user, undefined)).toBeUndefined();
  });
});

describe('neededFor', () => {
  it('asks a viewer for reads and an editor for anything else', () => {
    expect(neededFor('GET')).toBe('viewer');
    expect(neededFor('HEAD')).toBe('viewer');
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(neededFor(m)).toBe('editor');
  });
  it('counts a POST that only reads (a rule preview) as a read, and no other', () => {
    expect(neededFor('POST', '/alert-rules/preview')).toBe('viewer');
    expect(neededFor('POST', '/alert-rules')).toBe('editor');
    expect(neededFor('PUT', '/alert-rules/preview')).toBe('editor');
    const readToken = {
      instanceAdmin: false,
      roles: new Map([['A', 'viewer' as const]]),
      readOnly: true,
    };
    expect(refusal(readToken, 'A', 'viewer', 'POST', '/alert-rules/preview')).toBeUndefined();
    expect(refusal(readToken, 'A', 'viewer', 'POST', '/alert-rules')).toBe('forbidden');
  });
});
