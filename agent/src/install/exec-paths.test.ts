import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PathInfo, selfAndParents, unsafeReason } from './exec-paths.js';

/** A file system described by a table: path → owner, group and mode. */
function fakeStat(table: Record<string, Partial<PathInfo>>) {
  return (p: string): PathInfo => {
    const e = table[p];
    if (!e) throw new Error(`no entry for ${p}`);
    return { uid: 0, gid: 0, mode: 0o755, isDirectory: true, ...e };
  };
}

const rootTree = {
  '/': {},
  '/usr': {},
  '/usr/lib': {},
  '/usr/lib/node_modules': {},
  '/usr/lib/node_modules/cli.js': { mode: 0o644, isDirectory: false },
};

describe('code a root service runs must be changeable by root only', () => {
  it('lists a path and every directory above it', () => {
    expect(selfAndParents('/usr/lib/x.js')).toEqual(['/usr/lib/x.js', '/usr/lib', '/usr', '/']);
  });

  it('accepts a global install owned by root', () => {
    expect(unsafeReason('/usr/lib/node_modules/cli.js', fakeStat(rootTree))).toBeUndefined();
  });

  it('refuses a file or any parent owned by another user', () => {
    const stat = fakeStat({ ...rootTree, '/usr/lib': { uid: 1000 } });
    expect(unsafeReason('/usr/lib/node_modules/cli.js', stat)).toBe(
      '/usr/lib is owned by uid 1000, not root',
    );
    const file = fakeStat({
      ...rootTree,
      '/usr/lib/node_modules/cli.js': { uid: 1000, isDirectory: false },
    });
    expect(unsafeReason('/usr/lib/node_modules/cli.js', file)).toMatch(/owned by uid 1000/);
  });

  it('refuses group write for a group other than root, and world write', () => {
    const group = fakeStat({ ...rootTree, '/usr/lib/node_modules': { gid: 50, mode: 0o775 } });
    expect(unsafeReason('/usr/lib/node_modules/cli.js', group)).toBe(
      '/usr/lib/node_modules is writable by group 50',
    );
    const rootGroup = fakeStat({ ...rootTree, '/usr/lib/node_modules': { gid: 0, mode: 0o775 } });
    expect(unsafeReason('/usr/lib/node_modules/cli.js', rootGroup)).toBeUndefined();
    const world = fakeStat({
      ...rootTree,
      '/usr/lib/node_modules/cli.js': { mode: 0o666, isDirectory: false },
    });
    expect(unsafeReason('/usr/lib/node_modules/cli.js', world)).toMatch(/writable by every user/);
  });

  it('accepts a root-owned entry in a sticky world-writable directory such as /tmp', () => {
    const stat = fakeStat({
      '/': {},
      '/tmp': { mode: 0o41777 },
      '/tmp/agent': {},
      '/tmp/agent/cli.js': { isDirectory: false, mode: 0o644 },
    });
    expect(unsafeReason('/tmp/agent/cli.js', stat)).toBeUndefined();
    const notSticky = fakeStat({
      '/': {},
      '/tmp': { mode: 0o40777 },
      '/tmp/agent': {},
      '/tmp/agent/cli.js': { isDirectory: false },
    });
    expect(unsafeReason('/tmp/agent/cli.js', notSticky)).toMatch(/\/tmp is writable by every/);
  });

  it("refuses npx's package cache even when root owns it", () => {
    const path = '/root/.npm/_npx/4f1c/node_modules/@aiobs/agent/dist/cli.js';
    const stat = fakeStat({});
    expect(unsafeReason(path, stat)).toMatch(/npx's package cache/);
  });

  it('on the real file system: a world-writable directory is refused', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aiobs-exec-')));
    try {
      mkdirSync(join(dir, 'pkg'));
      writeFileSync(join(dir, 'pkg', 'cli.js'), '');
      chmodSync(join(dir, 'pkg'), 0o777);
      expect(unsafeReason(join(dir, 'pkg', 'cli.js'))).toMatch(/pkg is (writable by every|owned)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
