import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createDb, type Db, queryLimitsFromConfig } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { createBaselinesRepo } from './baselines-repo.js';
import { createDriftJob, type DriftJob } from './job.js';
import type { QualityWindows } from './ranking.js';
import { createDriftRepo } from './repo.js';
import { createDriftResultsRepo } from './results-repo.js';
import { driftRoutes } from './routes.js';

export { createDriftJob, type DriftJob } from './job.js';
export { createDriftRepo, type DriftRepo } from './repo.js';
export { driftRoutes } from './routes.js';

/**
 * The drift module's routes (mounted at `/api/v1/drift`, with `/baselines`); `/ranking` when
 * `quality` (the models module's per-window error rate and accuracy) is given.
 */
export function createDriftModule(deps: { engine: Engine; db: Db; quality?: QualityWindows }) {
  return {
    drift: driftRoutes(
      createDriftRepo(deps.db),
      createBaselinesRepo(deps.engine, deps.db),
      createDriftResultsRepo(deps.engine, deps.db),
      deps.quality,
    ),
  };
}

/**
 * The scheduled drift job as configured (`--drift-interval`, `--drift-min-samples`), not yet
 * started; undefined with `--drift-interval 0`. Its queries run under the API's limits.
 */
export function createConfiguredDriftJob(deps: {
  engine: Engine;
  config: Config;
  log: Logger;
}): DriftJob | undefined {
  const { engine, config, log } = deps;
  if (config.driftIntervalSeconds === 0) return undefined;
  const db = createDb(engine, queryLimitsFromConfig(config));
  return createDriftJob(
    {
      drift: createDriftRepo(db),
      baselines: createBaselinesRepo(engine, db),
      results: createDriftResultsRepo(engine, db),
      log,
    },
    { intervalMs: config.driftIntervalSeconds * 1000, minSamples: config.driftMinSamples },
  );
}
