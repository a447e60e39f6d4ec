/**
 * Reads the text of `EXPLAIN AST` (one row per line, one space of indent per level, e.g.
 * `Function file (alias f) (children 1)`) back into a tree.
 *
 * The dump is not an escaped format: identifiers and aliases are printed raw, so a
 * back-quoted name holding a newline adds lines of the caller's choosing. The reader is
 * therefore strict: every line must parse, every `(children N)` must match the lines
 * nested under it and indentation may grow by one level at a time. Anything else is
 * refused (`AstParseError`), which costs only the query that used such names.
 */

/** One node of the parsed query. */
export interface AstNode {
  /** Node kind as the engine names it: `SelectQuery`, `Function`, `TableIdentifier`, ... */
  readonly type: string;
  /** Text after the kind: a function or table name, a literal, `EXPLAIN PIPELINE`, ... */
  readonly payload: string;
  readonly alias: string | undefined;
  readonly children: AstNode[];
}

/** The dump could not be read back unambiguously. */
export class AstParseError extends Error {
  override readonly name = 'AstParseError';
}

const LINE = /^(?<type>[A-Za-z][A-Za-z0-9_]*(?:::[A-Za-z][A-Za-z0-9_]*)?)(?<rest>.*)$/;
const CHILDREN = / \(children (\d+)\)$/;
const ALIAS = / \(alias ([^()]*)\)$/;

interface Parsed {
  depth: number;
  node: AstNode;
  expected: number;
}

function parseLine(line: string, index: number): Parsed {
  let depth = 0;
  while (line[depth] === ' ') depth++;
  const m = LINE.exec(line.slice(depth));
  if (!m?.groups) throw new AstParseError(`line ${index + 1} of the parse tree is not a node`);
  let rest = m.groups.rest ?? '';
  let expected = 0;
  const c = CHILDREN.exec(rest);
  if (c) {
    expected = Number(c[1]);
    rest = rest.slice(0, c.index);
  }
  let alias: string | undefined;
  const a = ALIAS.exec(rest);
  if (a) {
    alias = a[1];
    rest = rest.slice(0, a.index);
  }
  if (rest !== '' && !rest.startsWith(' '))
    throw new AstParseError(`line ${index + 1} of the parse tree is not a node`);
  const node: AstNode = { type: m.groups.type!, payload: rest.slice(1), alias, children: [] };
  return { depth, node, expected };
}

/**
 * Parses the rows of `EXPLAIN AST` into the root node.
 *
 * @throws AstParseError when the lines do not form exactly one consistent tree
 * @example
 * parseExplainAst(['SelectWithUnionQuery (children 1)', ' ExpressionList']).type
 * // 'SelectWithUnionQuery'
 */
export function parseExplainAst(lines: readonly string[]): AstNode {
  if (lines.length === 0) throw new AstParseError('the parse tree is empty');
  const stack: Parsed[] = [];
  let root: Parsed | undefined;
  const check = (p: Parsed) => {
    if (p.node.children.length !== p.expected)
      throw new AstParseError(
        `parse tree node ${p.node.type} has ${p.node.children.length} children, expected ${p.expected}`,
      );
  };
  lines.forEach((line, i) => {
    const p = parseLine(line, i);
    if (i === 0) {
      if (p.depth !== 0) throw new AstParseError('the parse tree does not start at its root');
      root = p;
      stack.push(p);
      return;
    }
    if (p.depth === 0) throw new AstParseError('the parse tree has more than one root');
    if (p.depth > stack.length) throw new AstParseError(`line ${i + 1} skips a nesting level`);
    while (stack.length > p.depth) check(stack.pop()!);
    stack[stack.length - 1]!.node.children.push(p.node);
    stack.push(p);
  });
  while (stack.length > 0) check(stack.pop()!);
  return root!.node;
}
