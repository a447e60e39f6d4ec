import { defineConfig } from 'vitest/config';

// Every test file runs in its own forked process: the embedded ClickHouse engine (chDB)
// is a per-process singleton and adds ~250 MB RSS, so isolation and a bounded worker
// count keep engine tests independent and the 2-core CI machine responsive.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    include: [
      '{sdk,agent,collector,dashboard}/src/**/*.test.{ts,tsx}',
      'test/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.mjs',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
