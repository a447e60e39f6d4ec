import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What test/apps/workload.mjs reports having sent (the last line an app prints). */
export interface Sent {
  traces: {
    traceId: string;
    spanId: string;
    childSpanId: string;
    model: string;
    index: number;
    error: boolean;
  }[];
  logs: { index: number; traceId: string; spanId: string }[];
  metrics: { histogramCount: number; histogramSum: number; tokensPerModel: number };
}

/**
 * Runs `test/apps/<app>` (otel-app.mjs or otel-grpc-app.mjs) to completion with `env` added
 * to this process's environment (OTEL_LOG_LEVEL=error unless given) and returns what it sent.
 */
export async function runOtelApp(app: string, env: Record<string, string>): Promise<Sent> {
  const { stdout } = await run(process.execPath, [join(import.meta.dirname, '..', 'apps', app)], {
    env: { ...process.env, OTEL_LOG_LEVEL: 'error', ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Sent;
}
