import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { createBaselinesRepo } from './baselines-repo.js';
import { createDriftRepo } from './repo.js';
import { driftRoutes } from './routes.js';

export { createDriftRepo, type DriftRepo } from './repo.js';
export { driftRoutes } from './routes.js';

/** The drift module's routes (mounted at `/api/v1/drift`, with `/baselines`). */
export function createDriftModule(deps: { engine: Engine; db: Db }) {
  return {
    drift: driftRoutes(createDriftRepo(deps.db), createBaselinesRepo(deps.engine, deps.db)),
  };
}
