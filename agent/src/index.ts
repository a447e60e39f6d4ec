/**
 * @aiobs/agent — host and GPU metrics over OTLP, with an on-disk buffer for collector outages.
 * The CLI (`aiobs-agent`) is the main entry point; these exports are for embedding and tests.
 * @packageDocumentation
 */
export { type Agent, type AgentSummary, createAgent } from './agent.js';
export { type AgentConfig, ConfigError, loadConfig, type RunFlags } from './config/config.js';
export { encodeMetricsRequest } from './export/otlp-encode.js';
export { createGpuCollector } from './gpu/gpu-collector.js';
export { createHostCollector } from './host/host-collector.js';
export { createLogger, type Logger } from './logger.js';
export type { Collection, Metric } from './metrics/model.js';
export { AGENT_VERSION } from './version.js';

/** Package name. */
export const AGENT_NAME = '@aiobs/agent';
