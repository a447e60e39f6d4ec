import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { RunningCollector } from './collector.js';

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

/**
 * Asserts that `/api/v1/traces` lists every trace the app sent as `service` (in the last
 * hour), each with its root span, two spans, its error flag and `service` alone.
 */
export async function expectEveryTraceListed(
  collector: Pick<RunningCollector, 'api'>,
  service: string,
  sent: Sent,
): Promise<void> {
  const res = await collector.api<{
    traces: {
      traceId: string;
      spanCount: number;
      error: boolean;
      rootSpan: { name: string };
      services: string[];
    }[];
  }>(`/api/v1/traces?service=${service}&limit=1000&from=${Date.now() - 3_600_000}`);
  expect(res.traces).toHaveLength(sent.traces.length);
  for (const t of sent.traces) {
    const got = res.traces.find((x) => x.traceId === t.traceId);
    expect(got, t.traceId).toBeDefined();
    expect(got!.spanCount).toBe(2);
    expect(got!.error).toBe(t.error);
    expect(got!.rootSpan.name).toBe(`chat ${t.model}`);
    expect(got!.services).toEqual([service]);
  }
}
