import type { MeResponse } from '@aiobs/api-types';
import { describe, expect, it } from 'vitest';
import { landingProject } from './landing.js';

const me = (projects: string[], instanceAdmin = false): MeResponse => ({
  user: { id: 'u1', email: 'dev@example.com', name: 'Dev' } as MeResponse['user'],
  kind: 'session' as MeResponse['kind'],
  instanceAdmin,
  projects: projects.map((id) => ({ id, name: id, role: 'viewer' as const })),
});

describe('landingProject', () => {
  it('a user outside the default project lands on their first project', () => {
    expect(landingProject(me(['shop', 'lab']))).toBe('shop');
  });

  it('members of the default project, the instance admin and a user of no project stay', () => {
    expect(landingProject(me(['lab', 'default']))).toBeUndefined();
    expect(landingProject(me(['shop'], true))).toBeUndefined();
    expect(landingProject(me([]))).toBeUndefined();
  });
});
