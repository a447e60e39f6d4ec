export { createEngineStatsReader, type EngineStats } from './engine-stats.js';
export { collectorHealthRoutes } from './health-routes.js';
export { type CollectorMetrics, createCollectorMetrics, routeLabel } from './metrics.js';
export { countRequests, metricsRoutes } from './routes.js';
export {
  type CollectorStatsRow,
  createStatsWriter,
  type StatsWriter,
  statsRow,
} from './stats-writer.js';
