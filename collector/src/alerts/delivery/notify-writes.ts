/**
 * The repository with `onWrite(project)` called after each of the `writes` methods resolves
 * (their first argument is the project). The routes write through it so that this
 * collector's worker forgets what it cached of that project at once: a silence muting, or a
 * channel receiving, from the moment its request is answered.
 */
export function notifyWrites<R extends object>(
  repo: R,
  writes: readonly (keyof R & string)[],
  onWrite: (project: string) => void,
): R {
  const out = { ...repo } as Record<string, unknown>;
  for (const name of writes) {
    const fn = repo[name] as unknown as (project: string, ...rest: unknown[]) => Promise<unknown>;
    out[name] = async (project: string, ...rest: unknown[]) => {
      const result = await fn(project, ...rest);
      onWrite(project);
      return result;
    };
  }
  return out as R;
}
