import { TupleParam } from '@clickhouse/client';
import { describe, expect, test } from 'vitest';
import { bindParams, parseLiteral, placeholderTypes, unescapeTsv } from './params.js';

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
        a: "['x','y\\'z']",
        ns: '\\N',
        extra: 'kept',
      }),
    ).toEqual({
      s: "a'b",
      f: 'x\ty',
      l: null,
      n: '18446744073709551615',
      a: ['x', "y'z"],
      ns: 'N',
      extra: 'kept',
    });
  });

  test('composite literals as JS values the client writes back', () => {
    expect(parseLiteral("['a', 'b\\'c', 'd''e', '\\\\']")).toEqual(['a', "b'c", "d'e", '\\']);
    expect(parseLiteral('[1, -2, 18446744073709551615, 1.5, NULL, true]')).toEqual([
      1,
      -2,
      18446744073709551615n,
      1.5,
      null,
      true,
    ]);
    const tuple = parseLiteral("(1, 'x', [2])");
    expect(tuple).toBeInstanceOf(TupleParam);
    expect((tuple as TupleParam).values).toEqual([1, 'x', [2]]);
    expect(parseLiteral("{'k': 1, 'l': [2]}")).toEqual(
      new Map<unknown, unknown>([
        ['k', 1],
        ['l', [2]],
      ]),
    );
    expect(parseLiteral('[]')).toEqual([]);
    for (const bad of ["['a'", '[1,]x', "['a' 'b']", '[', "'open"])
      expect(parseLiteral(bad), bad).toBeUndefined();
  });
});
