import type { Config } from '../config.js';
import { createBaselinesRepo } from '../drift/baselines-repo.js';
import { createDriftRepo } from '../drift/repo.js';
import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { createCompareSignificance } from './compare-significance.js';
import { createGpuRepo } from './gpu-repo.js';
import { gpuRoutes } from './gpu-routes.js';
import { loadPriceFile } from './price-file.js';
import { createPricesRepo } from './prices-repo.js';
import { priceRoutes } from './prices-routes.js';
import { createQualityRepo } from './quality-repo.js';
import { qualityRoutes } from './quality-routes.js';
import { createModelsRepo } from './repo.js';
import { changeRoutes, modelRoutes } from './routes.js';
import { createScalingRepo } from './scaling-repo.js';
import { scalingRoutes } from './scaling-routes.js';

/**
 * The model analytics module's routes, wired from the configuration: `models` (mounted at
 * `/api/v1/models`, with `/gpu`), `changes` (`/api/v1/changes`), `prices`
 * (`/api/v1/prices`) and `scaling` (`/api/v1/scaling`). A bad `--prices-file` throws here,
 * at start.
 */
export function createModelsModule(deps: { engine: Engine; db: Db; config: Config }) {
  const { engine, db, config } = deps;
  const file = config.pricesFile ? loadPriceFile(config.pricesFile) : undefined;
  const prices = createPricesRepo(engine, db, file);
  const repo = createModelsRepo(db);
  const retention = {
    raw: config.retentionDays,
    minute: config.rollupMinuteRetentionDays,
    hour: config.rollupHourRetentionDays,
  };
  const gpus = createGpuRepo(db);
  const significance = createCompareSignificance({
    db,
    drift: { repo: createDriftRepo(db), baselines: createBaselinesRepo(engine, db) },
  });
  const models = modelRoutes(repo, { retention, prices, significance });
  models.route('/gpu', gpuRoutes(repo, gpus));
  models.route('/quality', qualityRoutes(createQualityRepo(db)));
  return {
    models,
    scaling: scalingRoutes(repo, gpus, createScalingRepo(db)),
    changes: changeRoutes(repo),
    prices: priceRoutes(prices),
  };
}
