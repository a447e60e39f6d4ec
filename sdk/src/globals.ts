/**
 * Which OpenTelemetry API globals are registered, read from the registry the API itself uses
 * (`Symbol.for('opentelemetry.js.api.1')` for trace, metrics, context and propagation,
 * `Symbol.for('io.opentelemetry.js.api.logs')` for logs). Asking the registry, instead of
 * calling `set…` and seeing it fail, registers nothing and logs nothing.
 */
export interface RegisteredGlobals {
  trace: boolean;
  metrics: boolean;
  logs: boolean;
  context: boolean;
  propagation: boolean;
}

const API_KEY = Symbol.for('opentelemetry.js.api.1');
const LOGS_KEY = Symbol.for('io.opentelemetry.js.api.logs');

/** Reads the registry; never throws. */
export function registeredGlobals(): RegisteredGlobals {
  const g = globalThis as Record<symbol, unknown>;
  const api = (g[API_KEY] ?? {}) as Record<string, unknown>;
  return {
    trace: api.trace !== undefined,
    metrics: api.metrics !== undefined,
    context: api.context !== undefined,
    propagation: api.propagation !== undefined,
    logs: g[LOGS_KEY] !== undefined,
  };
}
