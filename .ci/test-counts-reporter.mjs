// Vitest reporter used by .ci/run: writes {"passed": N, "failed": N} with the true counts to
// the file named by AIOBS_TEST_COUNTS_FILE. Vitest's own JSON report cannot give them: a
// test that never ran because a beforeAll failed is "skipped" there, exactly like one
// marked test.skip. Here a test counts as failed when it failed, or when it was meant to
// run (mode "run") but did not because its file or an enclosing suite failed; a failed
// file or suite that no test accounts for (an import error, a failed afterAll) counts
// once, and so does each unhandled error, so a failing run never ends with "0 failed".
import { writeFileSync } from 'node:fs';

/** @param {import('vitest/node').TestModule | import('vitest/node').TestSuite} node */
function failedItself(node) {
  return node.errors().length > 0;
}

/**
 * Counts one module or suite and everything under it.
 * @param {import('vitest/node').TestModule | import('vitest/node').TestSuite} node
 * @param {boolean} ancestorFailed
 * @param {{ passed: number, failed: number }} counts
 */
function countTree(node, ancestorFailed, counts) {
  const failedHere = failedItself(node);
  const blocked = ancestorFailed || failedHere;
  const before = counts.failed;
  for (const child of node.children) {
    if (child.type === 'suite') {
      countTree(child, blocked, counts);
      continue;
    }
    const { state } = child.result();
    if (state === 'passed') counts.passed++;
    else if (state === 'failed') counts.failed++;
    else if (blocked && child.options.mode === 'run') counts.failed++;
  }
  if (failedHere && counts.failed === before) counts.failed++;
}

export default class TestCountsReporter {
  /**
   * @param {ReadonlyArray<import('vitest/node').TestModule>} testModules
   * @param {ReadonlyArray<unknown>} unhandledErrors
   */
  onTestRunEnd(testModules, unhandledErrors) {
    const counts = { passed: 0, failed: 0 };
    for (const m of testModules) countTree(m, false, counts);
    counts.failed += unhandledErrors.length;
    const file = process.env.AIOBS_TEST_COUNTS_FILE;
    if (file) writeFileSync(file, `${JSON.stringify(counts)}\n`);
  }
}
