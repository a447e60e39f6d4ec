// The dependency-direction check on a temp copy of the sources: the real tree passes, and each
// planted wrong-way import fails with a line that names the file. Nothing is planted in the
// repository itself. The rules run in-process (TypeScript loads once); the CLI that
// `npm run lint` runs is checked for its exit status at the end.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkDependencies, importsOf } from './check-deps.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(repo, 'scripts', 'check-deps.mjs');
let root = '';

/** The violations as the CLI prints them: status 1 and one line each, or status 0. */
function check(): { status: number; stderr: string } {
  const problems = checkDependencies(root);
  return { status: problems.length > 0 ? 1 : 0, stderr: problems.join('\n') };
}

/** Appends `text` to the existing file at `path`, runs the check, then restores it. */
function checkAppended(path: string, text: string): { status: number; stderr: string } {
  const abs = join(root, path);
  const original = readFileSync(abs, 'utf8');
  writeFileSync(abs, `${original}\n${text}`);
  try {
    return check();
  } finally {
    writeFileSync(abs, original);
  }
}

/** Writes `text` at `path` (relative to the copy), runs the check, then removes it. */
function checkWith(path: string, text: string): { status: number; stderr: string } {
  const abs = join(root, path);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  try {
    return check();
  } finally {
    rmSync(abs);
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'aiobs-check-deps-'));
  for (const dir of ['collector/src', 'dashboard/src', 'sdk/src'])
    cpSync(join(repo, dir), join(root, dir), {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|dist)$/.test(src),
    });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('check-deps', () => {
  test('the tree as it stands passes', () => {
    const r = check();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('a repository importing a type from query/ fails (the TimeRange leak)', () => {
    const r = checkWith(
      'collector/src/storage/planted-repo.ts',
      "import type { TimeRange } from '../query/params.js';\nexport type R = TimeRange;\n",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'collector/src/storage/planted-repo.ts:1: storage imports module logic (../query/params.js)',
    );
  });

  test('auth/ reaching into otlp/ is allowed by layer, but otlp/ importing auth/ fails', () => {
    const r = checkWith(
      'collector/src/otlp/planted.ts',
      "import type { Principal } from '../auth/authenticator.js';\nexport type P = Principal;\n",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('collector/src/otlp/planted.ts:1: otlp imports module logic');
  });

  test('a route module imported by module logic fails', () => {
    const r = checkWith(
      'collector/src/models/planted.ts',
      "export { modelRoutes } from './routes.js';\n",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('collector/src/models/planted.ts:1: module logic imports routes');
  });

  test('a pure module doing I/O fails; a type-only import of the same is fine', () => {
    const bad = checkWith(
      'collector/src/otlp/planted.ts',
      "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('pure module imports node:fs, which does I/O');
    // models/stats.ts is pure maths; price-file.ts reads a file.
    const impure = checkAppended(
      'collector/src/models/stats.ts',
      "export { loadPriceFile } from './price-file.js';\n",
    );
    expect(impure.status).toBe(1);
    expect(impure.stderr).toMatch(/models\/stats\.ts:\d+: pure module imports \.\/price-file\.js/);
    const ok = checkWith(
      'collector/src/otlp/planted.ts',
      "import type { Stats } from 'node:fs';\nexport type S = Stats;\n",
    );
    expect(ok.status).toBe(0);
  });

  test('same-layer folders importing each other fail', () => {
    // query/ → models/ is the same layer, but models/ already imports query/.
    const r = checkWith(
      'collector/src/query/planted.ts',
      "import type { ModelsRepo } from '../models/repo.js';\nexport type M = ModelsRepo;\n",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/models\/ and query\/ import each other/);
  });

  test('a file in no layer fails', () => {
    const r = checkWith('collector/src/misc/planted.ts', 'export const x = 1;\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('collector/src/misc/planted.ts: in no layer');
  });

  test('the dashboard may import collector types only', () => {
    const bad = checkWith(
      'dashboard/src/lib/planted.ts',
      "import { ModelSummary } from '@aiobs/api-types';\nexport const m: ModelSummary[] = [];\n",
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('dashboard/src/lib/planted.ts:1: imports @aiobs/api-types');
    const relative = checkWith(
      'dashboard/src/lib/planted.ts',
      "export { AppError } from '../../../collector/src/errors.js';\n",
    );
    expect(relative.status).toBe(1);
    const ok = checkWith(
      'dashboard/src/lib/planted.ts',
      "import type { ModelSummary } from '@aiobs/api-types';\nexport type M = ModelSummary;\n",
    );
    expect(ok.status).toBe(0);
  });

  test('the SDK imports no other workspace package, not even types', () => {
    const r = checkWith(
      'sdk/src/planted.ts',
      "import type { ModelSummary } from '@aiobs/api-types';\nexport type M = ModelSummary;\n",
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('sdk/src/planted.ts:1: imports @aiobs/api-types; the SDK is a leaf');
  });

  test('api/types.ts with a runtime value fails', () => {
    const r = checkAppended('collector/src/api/types.ts', 'export const LIMIT = 10;\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('api/types.ts holds only types');
  });

  test('type-only is told apart from value imports in every form', () => {
    const { imports } = importsOf(
      'x.ts',
      [
        "import type { A } from './a.js';",
        "import { type B, type C } from './b.js';",
        "import { type D, E } from './d.js';",
        "import F from './f.js';",
        "import './side-effect.js';",
        "export type { G } from './g.js';",
        "export * from './h.js';",
        "type I = import('./i.js').I;",
        "const j = () => import('./j.js');",
      ].join('\n'),
    );
    expect(imports.map((i) => [i.spec, i.line, i.typeOnly])).toEqual([
      ['./a.js', 1, true],
      ['./b.js', 2, true],
      ['./d.js', 3, false],
      ['./f.js', 4, false],
      ['./side-effect.js', 5, false],
      ['./g.js', 6, true],
      ['./h.js', 7, false],
      ['./i.js', 8, true],
      ['./j.js', 9, false],
    ]);
  });

  test('the CLI exits 0 on the clean tree and 1 with the lines on a planted import', () => {
    const cli = () => spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
    const clean = cli();
    expect(clean.stderr).toBe('');
    expect(clean.status).toBe(0);
    const abs = join(root, 'collector/src/storage/planted-repo.ts');
    writeFileSync(
      abs,
      "import type { TimeRange } from '../query/params.js';\nexport type R = TimeRange;\n",
    );
    try {
      const bad = cli();
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('collector/src/storage/planted-repo.ts:1: storage imports');
      expect(bad.stderr).toMatch(/check-deps: \d+ wrong-way import\(s\)/);
    } finally {
      rmSync(abs);
    }
  });
});
