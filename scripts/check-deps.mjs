#!/usr/bin/env node
/**
 * Dependency-direction check (run by `npm run lint`, so CI fails on a wrong-way import).
 * Parses each source file with the TypeScript compiler (syntax only, no type check: fast)
 * and enforces the rules of shared/STYLE.md "Our layout":
 *
 * - collector: routes → module logic → storage → otlp/native → config/errors. A file may
 *   import (values or types) only from its own layer or a lower one; a file in no layer is
 *   an error, so a new folder gets placed on purpose. Test files, `__fixtures__/` and
 *   `testing/` folders wire layers together and are exempt from this rule only.
 * - No two collector areas (top folders) import each other: same-layer modules stay acyclic.
 * - Pure modules (the PURE list: otlp/, query/ parsing, shaping and the SQL gate's rules,
 *   the models' maths, drift statistics) import no I/O: no value import of an I/O module
 *   (fs, net, http, the engine clients, pino) nor of a collector file that is not pure
 *   itself. Type-only imports are free.
 * - `collector/src/api/types.ts` is type-only and imports nothing outside `api/`.
 * - The dashboard imports only types from the collector (`import type`).
 * - The SDK is a leaf: it imports nothing from another workspace package.
 *
 * Usage: `node scripts/check-deps.mjs [repo-root]`; exit 1 and one line per violation.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ORDER = 'routes → module logic → storage → otlp/native → config/errors';

/** Collector layers, lowest first; `match` gets a path relative to collector/src. */
const LAYERS = [
  {
    name: 'config/errors',
    match: (p) =>
      ['config.ts', 'errors.ts', 'logger.ts', 'version.ts'].includes(p) || under(p, 'api'),
  },
  { name: 'native', match: (p) => under(p, 'storage/native') || under(p, 'storage/tables') },
  { name: 'otlp', match: (p) => under(p, 'otlp') },
  { name: 'storage', match: (p) => under(p, 'storage') },
  {
    name: 'module logic',
    match: (p) => MODULES.some((m) => under(p, m)) && !isModuleEntry(p),
  },
  {
    name: 'routes',
    match: (p) =>
      under(p, 'routes') ||
      under(p, 'middleware') ||
      under(p, 'grpc') ||
      p === 'http-server.ts' ||
      isModuleEntry(p),
  },
  {
    name: 'composition root',
    match: (p) => ['app.ts', 'server.ts', 'main.ts', 'index.ts', 'startup.ts'].includes(p),
  },
];

/** Folders holding module logic; module folders (models/, drift/, …) also hold routes. */
const MODULES = [
  'auth',
  'ingest',
  'query',
  'models',
  'drift',
  'alerts',
  'projects',
  'observability',
  'grafana',
];
const MODULE_FOLDERS = ['models', 'drift', 'alerts', 'projects', 'observability', 'grafana'];

/**
 * A module folder's HTTP face and wiring: its routes files and `index.ts` files at any
 * depth (`routes.ts`, `*-routes.ts`, e.g. `alerts/delivery/channels-routes.ts`), and its top
 * `module.ts`.
 */
function isModuleEntry(p) {
  const parts = p.split('/');
  const [top] = parts;
  const file = parts.at(-1);
  if (!MODULE_FOLDERS.includes(top) || parts.length < 2) return false;
  if (file === 'routes.ts' || file.endsWith('-routes.ts') || file === 'index.ts') return true;
  return parts.length === 2 && file === 'module.ts';
}

/** Pure collector files (paths relative to collector/src). */
const PURE = [
  (p) => under(p, 'otlp'),
  (p) => under(p, 'storage/native') || under(p, 'storage/tables') || p === 'storage/types.ts',
  (p) => ['errors.ts', 'config.ts'].includes(p) || under(p, 'api'),
  (p) => under(p, 'query/sql-gate'),
  (p) =>
    [
      'query/params.ts',
      'query/convert.ts',
      'query/histogram.ts',
      'query/metric-series.ts',
      'query/host-shape.ts',
      'query/special-functions.ts',
    ].includes(p),
  (p) =>
    [
      'changes.ts',
      'convert.ts',
      'default-prices.ts',
      'gpu-join.ts',
      'params.ts',
      'prices.ts',
      'rollup-level.ts',
      'series.ts',
      'sql.ts',
      'stats.ts',
    ].some((f) => p === `models/${f}`),
  (p) =>
    [
      'stats.ts',
      'features.ts',
      'sql.ts',
      'ks-pvalue.ts',
      'spearman.ts',
      'pca.ts',
      'multivariate.ts',
      'ranking.ts',
      'verdict.ts',
    ].some((f) => p === `drift/${f}`),
];

/** Packages and built-ins that do I/O; a pure module may import them only as types. */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  '@clickhouse/client',
  'chdb',
  '@hono/node-server',
  '@grpc/grpc-js',
  'pino',
];

function under(p, folder) {
  return p === folder || p.startsWith(`${folder}/`);
}

function isTestFile(p) {
  return (
    /\.test\.tsx?$/.test(p) ||
    p.split('/').some((s) => s === '__fixtures__' || s === 'testing' || s === 'test-support')
  );
}

function isIoModule(spec) {
  const name = spec.replace(/^node:/, '');
  return IO_MODULES.some((m) => name === m || name.startsWith(`${m}/`));
}

/** Source files under `dir` (relative to `root`, posix separators). */
function listSources(root, dir) {
  const out = [];
  const walk = (abs) => {
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const child = join(abs, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        out.push(relative(root, child).split(sep).join('/'));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/**
 * The imports of one file: specifier, line, and whether it is type-only (erased at
 * runtime). Covers `import`, `export … from`, `import()` calls and `import('…')` types.
 */
export function importsOf(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found = [];
  const add = (node, spec, typeOnly) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    found.push({ spec, line, typeOnly });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const b = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (b !== undefined &&
          ts.isNamedExports(b) &&
          b.elements.length > 0 &&
          b.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node, node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  // Only files that mention `import(` need the full walk; top-level statements suffice else.
  if (text.includes('import(')) visit(sf);
  else for (const s of sf.statements) visit(s);
  return { sf, imports: found };
}

/** Repo-relative path an import resolves to, or undefined for a package. */
function resolveLocal(file, spec) {
  if (spec === '@aiobs/api-types') return 'collector/src/api/types.ts';
  if (!spec.startsWith('.')) return undefined;
  const p = posix.normalize(posix.join(posix.dirname(file), spec));
  return p.replace(/\.(m?js|jsx)$/, (ext) => (ext === '.jsx' ? '.tsx' : '.ts'));
}

/** Which workspace package a repo-relative path or a package specifier belongs to. */
function workspaceOf(pathOrSpec) {
  const m = /^(?:@aiobs\/)?(collector|sdk|agent|dashboard|api-types)(?:\/|$)/.exec(pathOrSpec);
  if (!m) return undefined;
  return m[1] === 'api-types' ? 'collector' : m[1];
}

const layerOf = (p) => LAYERS.findIndex((l) => l.match(p));
const isPure = (p) => PURE.some((f) => f(p));
/**
 * Collector areas for the cycle rule: top folders (storage/native and storage/tables on
 * their own); a file at the top (errors.ts, app.ts) is its own area.
 */
function areaOf(p) {
  if (under(p, 'storage/native') || under(p, 'storage/tables'))
    return p.split('/').slice(0, 2).join('/');
  return p.split('/')[0];
}

/** All violations under `root`, one readable line each. */
export function checkDependencies(root) {
  const problems = [];
  const edges = new Map();
  const read = (f) => readFileSync(join(root, f), 'utf8');

  for (const file of listSources(root, 'collector/src')) {
    const rel = file.slice('collector/src/'.length);
    const test = isTestFile(rel);
    const layer = layerOf(rel);
    if (!test && layer < 0) {
      problems.push(`${file}: in no layer; place it in scripts/check-deps.mjs LAYERS (${ORDER})`);
      continue;
    }
    const text = read(file);
    const { sf, imports } = importsOf(file, text);
    const pure = !test && isPure(rel);
    if (rel === 'api/types.ts') problems.push(...typeOnlyModule(file, sf));
    for (const imp of imports) {
      const target = resolveLocal(file, imp.spec);
      const where = `${file}:${imp.line}`;
      if (target === undefined) {
        if (workspaceOf(imp.spec))
          problems.push(
            `${where}: imports ${imp.spec}; the collector imports no other workspace package`,
          );
        if (pure && !imp.typeOnly && isIoModule(imp.spec))
          problems.push(
            `${where}: pure module imports ${imp.spec}, which does I/O (import type only)`,
          );
        continue;
      }
      if (!target.startsWith('collector/src/')) {
        problems.push(`${where}: imports ${imp.spec}, outside collector/src`);
        continue;
      }
      const trel = target.slice('collector/src/'.length);
      if (rel === 'api/types.ts' && !under(trel, 'api'))
        problems.push(
          `${where}: api/types.ts imports ${imp.spec}; it must stand alone for the dashboard`,
        );
      if (test) continue;
      const tlayer = layerOf(trel);
      if (tlayer > layer)
        problems.push(
          `${where}: ${LAYERS[layer].name} imports ${LAYERS[tlayer].name} (${imp.spec}); dependencies point one way: ${ORDER}`,
        );
      if (pure && !imp.typeOnly && !isPure(trel))
        problems.push(
          `${where}: pure module imports ${imp.spec}, which is not pure (import type only)`,
        );
      const [a, b] = [areaOf(rel), areaOf(trel)];
      if (a !== b) {
        if (!edges.has(a)) edges.set(a, new Map());
        if (!edges.get(a).has(b)) edges.get(a).set(b, where);
      }
    }
  }
  for (const [a, targets] of edges)
    for (const [b, where] of targets) {
      const back = edges.get(b)?.get(a);
      if (back && a < b)
        problems.push(
          `${where} and ${back}: ${a}/ and ${b}/ import each other; one must not know the other`,
        );
    }

  for (const file of listSources(root, 'dashboard/src')) {
    for (const imp of importsOf(file, read(file)).imports) {
      const target = resolveLocal(file, imp.spec);
      const pkg = workspaceOf(target ?? imp.spec);
      if (pkg === undefined || pkg === 'dashboard') continue;
      if (pkg !== 'collector' || !imp.typeOnly)
        problems.push(
          `${file}:${imp.line}: imports ${imp.spec}; the dashboard imports only types from the collector (import type)`,
        );
    }
  }

  for (const file of listSources(root, 'sdk/src')) {
    for (const imp of importsOf(file, read(file)).imports) {
      const target = resolveLocal(file, imp.spec);
      const pkg = workspaceOf(target ?? imp.spec);
      if (pkg !== undefined && pkg !== 'sdk')
        problems.push(`${file}:${imp.line}: imports ${imp.spec}; the SDK is a leaf`);
    }
  }
  return problems;
}

/** Violations of "type-only module": any statement that exists at runtime. */
function typeOnlyModule(file, sf) {
  const out = [];
  for (const s of sf.statements) {
    const ok =
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly === true) ||
      (ts.isExportDeclaration(s) && s.isTypeOnly);
    if (!ok) {
      const line = sf.getLineAndCharacterOfPosition(s.getStart(sf)).line + 1;
      out.push(
        `${file}:${line}: api/types.ts holds only types (interfaces, type aliases, import type)`,
      );
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkDependencies(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(
      `check-deps: ${problems.length} wrong-way import(s); see shared/STYLE.md "Our layout"`,
    );
    process.exit(1);
  }
}
