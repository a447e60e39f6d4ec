/**
 * @aiobs/collector — OTLP receiver, ClickHouse storage and query API.
 * @packageDocumentation
 */
export const COLLECTOR_NAME = '@aiobs/collector';
