import type { MeResponse } from '@aiobs/api-types';

/**
 * The project a user lands on when signing in without a page to return to: their first
 * project when they are not a member of the default one, whose every call would answer 404;
 * undefined to stay on the default (members, the instance admin, a user of no project).
 */
export function landingProject(me: MeResponse): string | undefined {
  if (me.instanceAdmin || me.projects.length === 0) return undefined;
  return me.projects.some((p) => p.id === 'default') ? undefined : me.projects[0]!.id;
}
