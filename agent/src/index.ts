/**
 * @aiobs/agent — host and GPU metrics over OTLP.
 * @packageDocumentation
 */
export const AGENT_NAME = '@aiobs/agent';
