import type { Db } from '../storage/db.js';
import { createDriftRepo } from './repo.js';
import { driftRoutes } from './routes.js';

export { createDriftRepo, type DriftRepo } from './repo.js';
export { driftRoutes } from './routes.js';

/** The drift module's routes (mounted at `/api/v1/drift`). */
export function createDriftModule(deps: { db: Db }) {
  return { drift: driftRoutes(createDriftRepo(deps.db)) };
}
