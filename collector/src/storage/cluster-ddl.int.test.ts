import { createChdbConnection } from 'chdb/connection';
import { afterAll, expect, test } from 'vitest';
import { clusterSequence } from './__fixtures__/cluster-sequence.js';

const connection = createChdbConnection({ path: ':memory:' });
afterAll(() => connection.close());

test('the engine parses every statement of the cluster schema', async () => {
  const statements = clusterSequence();
  expect(statements.length).toBeGreaterThan(40);
  for (const q of statements) {
    // formatQuery parses without executing: ON CLUSTER, Replicated engines and Distributed
    // tables need no cluster to be parsed.
    const r = await connection.chdb.queryAsync(
      `SELECT formatQuery('${q.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}')`,
      { format: 'TSVRaw' },
    );
    expect(r.text().length, q.slice(0, 100)).toBeGreaterThan(0);
  }
});
