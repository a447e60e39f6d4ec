import { describe, expect, test } from 'vitest';
import { clusterSequence, REPLICA_PATH as path } from './__fixtures__/cluster-sequence.js';
import { createClusterDdl, renderClusterStatements, shardingKeyOf } from './cluster-ddl.js';

describe('cluster DDL', () => {
  test('a table becomes a replicated local table and a Distributed table over it', () => {
    const ddl = createClusterDdl('aiobs', 'c1');
    const out = renderClusterStatements(
      [
        `CREATE TABLE IF NOT EXISTS aiobs.t ON CLUSTER c1 (a UInt8, k String) ENGINE = ReplicatedReplacingMergeTree(${path}) ORDER BY (k, a)`,
        'CREATE MATERIALIZED VIEW IF NOT EXISTS aiobs.t_mv ON CLUSTER c1 TO aiobs.t AS SELECT a, k FROM aiobs.t WHERE a > 0',
        'ALTER TABLE aiobs.t ON CLUSTER c1 ADD COLUMN IF NOT EXISTS b UInt8 DEFAULT 0',
        'ALTER TABLE aiobs.t ON CLUSTER c1 MODIFY TTL now() + toIntervalDay(1)',
      ],
      ddl,
    );
    expect(out).toEqual([
      `CREATE TABLE IF NOT EXISTS aiobs.t_local ON CLUSTER c1 (a UInt8, k String) ENGINE = ReplicatedReplacingMergeTree(${path}) ORDER BY (k, a)`,
      'CREATE TABLE IF NOT EXISTS aiobs.t ON CLUSTER c1 AS aiobs.t_local\nENGINE = Distributed(c1, aiobs, t_local, cityHash64(k, a))',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS aiobs.t_mv ON CLUSTER c1 TO aiobs.t_local AS SELECT a, k FROM aiobs.t_local WHERE a > 0',
      'ALTER TABLE aiobs.t_local ON CLUSTER c1\nADD COLUMN IF NOT EXISTS b UInt8 DEFAULT 0',
      'ALTER TABLE aiobs.t ON CLUSTER c1\nADD COLUMN IF NOT EXISTS b UInt8 DEFAULT 0',
      'ALTER TABLE aiobs.t_local ON CLUSTER c1\nMODIFY TTL now() + toIntervalDay(1)',
    ]);
  });

  test('names inside string literals are left alone', () => {
    const ddl = createClusterDdl('aiobs', 'c1');
    renderClusterStatements(
      [
        `CREATE TABLE IF NOT EXISTS aiobs.model ON CLUSTER c1 (a UInt8) ENGINE = ReplicatedMergeTree(${path}) ORDER BY a`,
      ],
      ddl,
    );
    const [mv] = renderClusterStatements(
      [
        "CREATE MATERIALIZED VIEW IF NOT EXISTS aiobs.v_mv ON CLUSTER c1 TO aiobs.model AS SELECT toUInt8(m['aiobs.model.version'] = 'it\\'s aiobs.model') AS a FROM aiobs.model",
      ],
      ddl,
    );
    expect(mv).toBe(
      "CREATE MATERIALIZED VIEW IF NOT EXISTS aiobs.v_mv ON CLUSTER c1 TO aiobs.model_local AS SELECT toUInt8(m['aiobs.model.version'] = 'it\\'s aiobs.model') AS a FROM aiobs.model_local",
    );
  });

  test('a statement it cannot place is refused', () => {
    const ddl = createClusterDdl('aiobs', 'c1');
    expect(() => renderClusterStatements(['INSERT INTO aiobs.t VALUES (1)'], ddl)).toThrow(
      /cannot place/,
    );
    expect(() =>
      renderClusterStatements(
        ['CREATE TABLE IF NOT EXISTS aiobs.x (a UInt8) ENGINE = Memory'],
        ddl,
      ),
    ).toThrow(/ON CLUSTER/);
  });

  test('sharding keys: traces by trace id, replacing tables by their sort key, else random', () => {
    expect(shardingKeyOf('otel_traces', '')).toBe('cityHash64(TraceId)');
    expect(
      shardingKeyOf('k', `ENGINE = ReplicatedReplacingMergeTree(${path})\nORDER BY key_hash`),
    ).toBe('cityHash64(key_hash)');
    expect(shardingKeyOf('m', `ENGINE = ReplicatedMergeTree(${path}) ORDER BY (a, b)`)).toBe(
      'rand()',
    );
  });

  test('every shipped migration has a cluster form: each table local + Distributed, views on local tables', () => {
    const all = clusterSequence();
    const locals = all.flatMap(
      (s) => /^CREATE TABLE IF NOT EXISTS aiobs\.(\w+)_local /.exec(s)?.[1] ?? [],
    );
    const dists = all.flatMap(
      (s) =>
        /^CREATE TABLE IF NOT EXISTS aiobs\.(\w+) ON CLUSTER c1 AS aiobs\.\1_local\nENGINE = Distributed\(c1, aiobs, \1_local, .+\)$/.exec(
          s,
        )?.[1] ?? [],
    );
    expect(locals.length).toBeGreaterThan(20);
    expect(dists).toEqual(locals);
    for (const s of all) {
      expect(s, s.slice(0, 80)).toMatch(/ON CLUSTER c1/);
      if (/ENGINE = (MergeTree|ReplacingMergeTree|AggregatingMergeTree)\b/.test(s))
        throw new Error(`not replicated: ${s.slice(0, 120)}`);
      if (/^CREATE MATERIALIZED VIEW/.test(s)) {
        // Every table a view reads or writes is a local one.
        const outsideLiterals = s.replace(/'(?:[^'\\]|\\.)*'/g, "''");
        for (const [, name] of outsideLiterals.matchAll(/\baiobs\.(\w+)/g))
          if (!name!.endsWith('_mv')) expect(name, s.slice(0, 120)).toMatch(/_local$/);
      }
    }
  });
});
