import { describe, expect, test } from 'vitest';
import { AstParseError, parseExplainAst } from './sql-gate/ast.js';
import { createFunctionCatalog, type FunctionRow, resolveFunction } from './sql-gate/functions.js';
import { inspectQuery, type PolicyContext, SqlRefusal } from './sql-gate/policy.js';
import { checkParams, projectFilterSetting } from './sql-gate/support.js';

// Unit tests of the walk on EXPLAIN AST text recorded from the embedded engine (chDB 26.x).
// The same statements run against the real engine in sql-gate.int.test.ts.

const fn = (name: string, extra: Partial<FunctionRow> = {}): FunctionRow => ({
  name,
  alias_to: '',
  case_insensitive: 0,
  is_aggregate: 0,
  origin: 'System',
  ...extra,
});
const catalog = createFunctionCatalog(
  [
    fn('file'),
    fn('arrayMap'),
    fn('tuple'),
    fn('in'),
    fn('notIn'),
    fn('globalIn'),
    fn('count', { is_aggregate: 1, case_insensitive: 1 }),
    fn('sum', { is_aggregate: 1, case_insensitive: 1 }),
    fn('plus'),
    fn('lower', { case_insensitive: 1 }),
    fn('lcase', { alias_to: 'lower', case_insensitive: 1 }),
    fn('dictGetString'),
    fn('dg', { alias_to: 'dictGetString' }),
    fn('myUdf', { origin: 'SQLUserDefined' }),
  ],
  ['If', 'Array', 'OrNull', 'State'],
);
const ctx: PolicyContext = { database: 'aiobs', currentDatabase: 'aiobs', functions: catalog };

function tree(text: string) {
  return parseExplainAst(
    text
      .replace(/^\n/, '')
      .replace(/\n\s*$/, '')
      .split('\n'),
  );
}
function refusal(text: string, canonical = ''): SqlRefusal {
  try {
    inspectQuery(tree(text), ctx, canonical);
  } catch (err) {
    if (err instanceof SqlRefusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** `SELECT <expr> FROM <table>` as the engine dumps it, with the expression lines given. */
function select(expr: string[], table = 'TableIdentifier otel_traces'): string {
  return [
    'SelectWithUnionQuery (children 1)',
    ' ExpressionList (children 1)',
    '  SelectQuery (children 2)',
    `   ExpressionList (children ${expr.filter((l) => /^ {4}\S/.test(l)).length})`,
    ...expr,
    '   TablesInSelectQuery (children 1)',
    '    TablesInSelectQueryElement (children 1)',
    '     TableExpression (children 1)',
    `      ${table}`,
  ].join('\n');
}
const call = (name: string, arg = "Literal 'x'") => [
  `    Function ${name} (children 1)`,
  '     ExpressionList (children 1)',
  `      ${arg}`,
];

describe('parseExplainAst', () => {
  test('reads names, payloads, aliases and children', () => {
    const root = tree(`
SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 1)
   ExpressionList (children 1)
    Function fIlE (alias f) (children 1)
     ExpressionList (children 1)
      Literal 'x'`);
    const f = root.children[0]!.children[0]!.children[0]!.children[0]!;
    expect(f).toMatchObject({ type: 'Function', payload: 'fIlE', alias: 'f' });
    expect(f.children[0]!.children[0]).toMatchObject({ type: 'Literal', payload: "'x'" });
  });

  test('refuses a dump a newline inside a name has forged', () => {
    // SELECT `a\nFunction file` FROM t
    const forged = [
      'SelectWithUnionQuery (children 1)',
      ' ExpressionList (children 1)',
      '  SelectQuery (children 2)',
      '   ExpressionList (children 1)',
      '    Identifier a',
      'Function file',
      '   TablesInSelectQuery (children 1)',
    ];
    expect(() => parseExplainAst(forged)).toThrow(AstParseError);
  });

  test('refuses a children count that does not match', () => {
    expect(() => parseExplainAst(['Literal UInt64_1 (alias x) (children 3)'])).toThrow(
      /expected 3/,
    );
    expect(() => parseExplainAst(['A (children 1)', '  B'])).toThrow(/skips/);
    expect(() => parseExplainAst(['A', 'B'])).toThrow(/more than one root/);
    expect(() => parseExplainAst([])).toThrow(AstParseError);
  });
});

describe('resolveFunction', () => {
  test('follows case-insensitive names, combinators and aliases', () => {
    expect(resolveFunction(catalog, 'COUNT')).toContain('count');
    expect(resolveFunction(catalog, 'sumIfOrNull')).toContain('sum');
    expect(resolveFunction(catalog, 'LCASE')).toEqual(['LCASE', 'lcase', 'lower', 'lower']);
    expect(resolveFunction(catalog, 'dg')).toContain('dictGetString');
  });

  test('knows nothing of user-defined or unknown functions', () => {
    expect(resolveFunction(catalog, 'myUdf')).toBeUndefined();
    expect(resolveFunction(catalog, 'nope')).toBeUndefined();
    expect(resolveFunction(catalog, 'plusIf')).toBeUndefined(); // not an aggregate
  });
});

describe('inspectQuery', () => {
  test('accepts a plain SELECT and reports the tables it reads', () => {
    const r = inspectQuery(tree(select(call('lower'))), ctx);
    expect(r).toEqual({ format: undefined, tables: [{ database: 'aiobs', table: 'otel_traces' }] });
  });

  test('refuses file() in any case and inside a lambda', () => {
    expect(refusal(select(call('fIlE'))).message).toMatch(/fIlE\(\) reaches outside/);
    const lambda = [
      '    Function arrayMap (children 1)',
      '     ExpressionList (children 2)',
      '      Function lambda (children 1)',
      '       ExpressionList (children 2)',
      '        Function tuple (children 1)',
      '         ExpressionList (children 1)',
      '          Identifier x',
      '        Function file (children 1)',
      '         ExpressionList (children 1)',
      '          Identifier x',
      "      Literal Array_['a']",
    ];
    expect(refusal(select(lambda)).kind).toBe('forbidden');
  });

  test('refuses an alias of a denied function, user-defined and unknown functions', () => {
    expect(refusal(select(call('dg'))).message).toMatch(/dg\(\)/);
    expect(refusal(select(call('myUdf'))).message).toMatch(/not a built-in/);
    expect(refusal(select(call('nope'))).message).toMatch(/not a built-in/);
  });

  test('table functions come from an allow-list', () => {
    const numbers =
      'Function numbers (children 1)\n       ExpressionList (children 1)\n        Literal UInt64_10';
    expect(inspectQuery(tree(select(call('lower'), numbers)), ctx).tables).toEqual([]);
    const url =
      "Function url (children 1)\n       ExpressionList (children 1)\n        Literal 'http://x'";
    expect(refusal(select(call('lower'), url)).message).toMatch(/url\(\)/);
    const gen =
      "Function generate_random (children 1)\n       ExpressionList (children 1)\n        Literal 'a'";
    expect(refusal(select(call('lower'), gen)).message).toMatch(/table function generate_random/);
  });

  test('system tables come from an allow-list; credentials and other databases are refused', () => {
    expect(() =>
      inspectQuery(tree(select(call('lower'), 'TableIdentifier system.tables')), ctx),
    ).not.toThrow();
    expect(refusal(select(call('lower'), 'TableIdentifier system.users')).message).toMatch(
      /system\.users/,
    );
    expect(refusal(select(call('lower'), 'TableIdentifier SYSTEM.query_log')).kind).toBe(
      'forbidden',
    );
    expect(refusal(select(call('lower'), 'TableIdentifier aiobs_api_keys')).message).toMatch(
      /credentials/,
    );
    expect(refusal(select(call('lower'), 'TableIdentifier aiobs.aiobs_projects')).kind).toBe(
      'forbidden',
    );
    expect(refusal(select(call('lower'), 'TableIdentifier other.t')).message).toMatch(
      /database other/,
    );
    expect(refusal(select(call('lower'), 'TableIdentifier a.b.c')).message).toMatch(/plain/);
  });

  test('x IN db.table follows the table rules', () => {
    const inTable = [
      '    Function in (children 1)',
      '     ExpressionList (children 2)',
      '      Literal UInt64_1',
      '      Identifier system.users',
    ];
    expect(refusal(select(inTable)).message).toMatch(/system\.users/);
  });

  test('FORMAT from the list, no SETTINGS, no INTO OUTFILE', () => {
    const base = select(call('lower')).replace('(children 1)', '(children 2)');
    expect(inspectQuery(tree(`${base}\n Identifier JSONEachRow`), ctx).format).toBe('JSONEachRow');
    expect(refusal(`${base}\n Identifier CSV`)).toMatchObject({ kind: 'invalid' });
    expect(refusal(`${base}\n Set`)).toMatchObject({ kind: 'invalid' });
    expect(refusal(`${base}\n Literal '/tmp/x'`).message).toMatch(/INTO OUTFILE/);
  });

  test('SETTINGS inside a subquery and APPLY are refused', () => {
    const sub = select([
      '    Subquery (children 1)',
      '     SelectWithUnionQuery (children 1)',
      '      ExpressionList (children 1)',
      '       SelectQuery (children 2)',
      '        ExpressionList (children 1)',
      '         Literal UInt64_1',
      '        Set',
    ]);
    expect(refusal(sub).kind).toBe('invalid');
    const apply = select([
      '    Asterisk (children 1)',
      '     ColumnsTransformerList (children 1)',
      '      ColumnsApplyTransformer',
    ]);
    expect(refusal(apply).message).toMatch(/APPLY/);
  });

  test('statement kinds: writes refused, EXPLAIN only of a SELECT, SHOW and DESCRIBE checked', () => {
    expect(refusal('CreateQuery pwned (children 1)\n Identifier pwned').message).toMatch(/Create/);
    expect(refusal('ShowProcesslistQuery').kind).toBe('forbidden');
    const explainDdl =
      'Explain EXPLAIN AST (children 1)\n CreateQuery pwned (children 1)\n  Identifier pwned';
    expect(refusal(explainDdl).message).toMatch(/EXPLAIN is allowed only of a SELECT/);
    const explain = `Explain EXPLAIN PIPELINE (children 1)\n${select(call('lower')).replace(/^/gm, ' ')}`;
    expect(inspectQuery(tree(explain), ctx).tables).toHaveLength(1);
    const explainFile = `Explain EXPLAIN (children 1)\n${select(call('file')).replace(/^/gm, ' ')}`;
    expect(refusal(explainFile).kind).toBe('forbidden');
    const outfile = "ShowTables (children 1)\n Literal '/tmp/x'";
    expect(refusal(outfile, "SHOW TABLES\nINTO OUTFILE '/tmp/x'").message).toMatch(/OUTFILE/);
    const showTables = tree('ShowTables (children 1)\n Identifier system');
    expect(inspectQuery(showTables, ctx, 'SHOW TABLES FROM system').format).toBeUndefined();
    // SHOW CLUSTERS dumps as a bare ShowTables too; the canonical text tells it apart.
    expect(() => inspectQuery(tree('ShowTables'), ctx, 'SHOW CLUSTERS')).toThrow(SqlRefusal);
    expect(
      refusal(
        'ShowCreateTableQuery system users (children 2)\n Identifier system\n Identifier users',
      ).kind,
    ).toBe('forbidden');
    const describe =
      'DescribeQuery (children 1)\n TableExpression (children 1)\n  TableIdentifier system.users';
    expect(refusal(describe).message).toMatch(/system\.users/);
  });
});

describe('support', () => {
  test('the project filter escapes the project id twice (literal inside a literal)', () => {
    const setting = projectFilterSetting('default', [{ table: 't', name: 'ProjectId' }], "p'\\");
    expect(setting).toBe(
      "additional_table_filters = {'default.t': '`ProjectId` = \\'p\\\\\\'\\\\\\\\\\''}, ",
    );
    expect(projectFilterSetting('default', [], 'p')).toBe('');
  });

  test('parameters that would be rounded are refused by name', () => {
    expect(() => checkParams({ a: 1, b: 'x', c: [1.5, { d: 2 ** 53 }] })).toThrow(
      /params\.c\[1\]\.d/,
    );
    expect(() => checkParams({ a: Number.POSITIVE_INFINITY })).toThrow(/params\.a/);
    expect(() => checkParams({ a: 2 ** 53 - 1, b: null })).not.toThrow();
  });
});
