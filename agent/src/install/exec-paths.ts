import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What {@link unsafeReason} needs to know about one path (an `lstat` result). */
export interface PathInfo {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  readonly isDirectory: boolean;
}

/** Reads {@link PathInfo}; injectable so the rules can be tested without chown. */
export type StatPath = (path: string) => PathInfo;

const lstatInfo: StatPath = (p) => {
  const s = lstatSync(p);
  return { uid: s.uid, gid: s.gid, mode: s.mode, isDirectory: s.isDirectory() };
};

/** The path itself and every directory above it, up to `/`. */
export function selfAndParents(path: string): string[] {
  const out = [path];
  for (let p = dirname(path); ; p = dirname(p)) {
    out.push(p);
    if (dirname(p) === p) return out;
  }
}

/**
 * Why someone other than root could change what a root service runs from `path`, or
 * `undefined` when only root can. `path` must be resolved (no symbolic links left), as
 * `realpath` gives it. A path is unsafe when it or any directory above it is owned by a user
 * other than root (an owner can always chmod), writable by a group other than root, or
 * writable by everyone, except a sticky directory such as /tmp (others cannot rename or
 * remove root's entries there, and the entry below it is checked too).
 */
export function unsafeReason(path: string, stat: StatPath = lstatInfo): string | undefined {
  if (path.split(sep).includes('_npx'))
    return `${path} is in npx's package cache, which npm prunes and replaces and which belongs to whoever ran npx`;
  for (const p of selfAndParents(path)) {
    const s = stat(p);
    if (s.uid !== 0) return `${p} is owned by uid ${s.uid}, not root`;
    if (s.mode & 0o020 && s.gid !== 0) return `${p} is writable by group ${s.gid}`;
    if (s.mode & 0o002 && !(s.isDirectory && s.mode & 0o1000))
      return `${p} is writable by every user`;
  }
  return undefined;
}

/** Files below `dir` (our own compiled code), at most `max` of them. */
function filesBelow(dir: string, max = 2000): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (out.length >= max) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Files a root service started as `node <cliPath>` loads: the node binary, every file of the
 * compiled agent next to the CLI, and the entry file of each runtime dependency (resolved
 * the way the CLI resolves it), all with symbolic links resolved.
 */
export function serviceCodePaths(nodePath: string, cliPath: string): string[] {
  const distDir = dirname(cliPath);
  const pkgPath = join(distDir, '..', 'package.json');
  const deps = Object.keys(
    (JSON.parse(readFileSync(pkgPath, 'utf8')) as { dependencies?: Record<string, string> })
      .dependencies ?? {},
  );
  const depFiles = deps.flatMap((d) => {
    try {
      return [fileURLToPath(import.meta.resolve(d))];
    } catch {
      return [];
    }
  });
  const all = [nodePath, cliPath, pkgPath, ...filesBelow(distDir), ...depFiles];
  return [...new Set(all.map((p) => realpathSync(p)))];
}

/**
 * Checks that only root can change the code a root service would run; returns the first
 * problem found, or `undefined`. (A few thousand lstat calls: cheap next to an install.)
 */
export function checkServiceCode(
  nodePath: string,
  cliPath: string,
  stat: StatPath = lstatInfo,
): string | undefined {
  for (const file of serviceCodePaths(nodePath, cliPath)) {
    const reason = unsafeReason(file, stat);
    if (reason) return reason;
  }
  return undefined;
}
