/**
 * @aiobs/collector — OTLP receiver, ClickHouse storage and query API, for embedding the
 * collector in another process or a test (`aiobs-collector` is the command-line entry).
 *
 * @example
 * const config = loadConfig({ dataDir: './data', port: 0, host: '127.0.0.1' }, process.env);
 * const collector = await startCollector(config);
 * await fetch(`${collector.url}/api/v1/health`);
 * await collector.close();
 * @packageDocumentation
 */
export { type AppDeps, createApp } from './app.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export { Ingestor } from './ingest/ingestor.js';
export {
  type RunningCollector,
  type StartCollectorOptions,
  startCollector,
} from './server.js';
export { type Engine, openEngine } from './storage/engine.js';
export { migrate, type TableOptions } from './storage/migrate.js';
