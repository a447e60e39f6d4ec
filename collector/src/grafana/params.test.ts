import { describe, expect, test } from 'vitest';
import { bindParams, placeholderTypes, unescapeTsv } from './params.js';

describe('param_* values', () => {
  test('placeholder types, nested parentheses included', () => {
    const t = placeholderTypes(
      'SELECT {a:String}, { b : Array(Nullable(String)) }, {c:Map(String, UInt8)} WHERE x = {a:String}',
    );
    expect([...t]).toEqual([
      ['a', 'String'],
      ['b', 'Array(Nullable(String))'],
      ['c', 'Map(String, UInt8)'],
    ]);
  });

  test('TSV escapes undone: the client escapes the value again', () => {
    expect(unescapeTsv("it\\'s\\ta\\nb\\\\c")).toBe("it's\ta\nb\\c");
    expect(unescapeTsv('plain')).toBe('plain');
  });

  test('strings unescaped by type, other types as text, \\N as NULL for Nullable only', () => {
    const sql =
      'SELECT {s:String}, {f:FixedString(3)}, {l:LowCardinality(Nullable(String))}, {n:UInt64}, {a:Array(String)}, {ns:String}';
    expect(
      bindParams(sql, {
        s: "a\\'b",
        f: 'x\\ty',
        l: '\\N',
        n: '18446744073709551615',
        a: "['x','y']",
        ns: '\\N',
        extra: 'kept',
      }),
    ).toEqual({
      s: "a'b",
      f: 'x\ty',
      l: null,
      n: '18446744073709551615',
      a: "['x','y']",
      ns: 'N',
      extra: 'kept',
    });
  });
});
