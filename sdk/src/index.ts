/**
 * @aiobs/sdk — instrument AI inference in Node apps with OpenTelemetry.
 * @packageDocumentation
 */
export const SDK_NAME = '@aiobs/sdk';
