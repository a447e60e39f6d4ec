import type { FixedCall } from '../../lib/range-call.js';

/**
 * Every stored baseline. The Drift page's query and the boot script (first-calls.ts) build
 * the same request from it.
 */
export const baselinesCall: FixedCall = { key: ['drift-baselines'], path: '/drift/baselines' };
