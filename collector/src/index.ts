/**
 * @aiobs/collector — OTLP receiver, ClickHouse storage and query API, for embedding the
 * collector in another process or a test (`aiobs-collector` is the command-line entry).
 *
 * @example
 * const config = loadConfig({ dataDir: './data', port: 0 }, process.env);
 * const engine = await openEngine(config);
 * await migrate(engine, { retentionDays: config.retentionDays, fsync: config.fsync }, logger);
 * @packageDocumentation
 */
export { type AppDeps, createApp } from './app.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export { Ingestor } from './ingest/ingestor.js';
export { type Engine, openEngine } from './storage/engine.js';
export { migrate, type TableOptions } from './storage/migrate.js';
