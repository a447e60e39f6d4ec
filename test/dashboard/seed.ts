import { randomBytes } from 'node:crypto';
import type { RunningCollector } from '../helpers/collector.js';

/** One inference span to seed. */
export interface SeedSpan {
  model: string;
  version: string;
  variant: string;
  /** Start, ms since the epoch. */
  startMs: number;
  durationMs: number;
  error?: boolean;
  inputTokens: number;
  outputTokens: number;
  /** `aiobs.cache.hit`, when the span says. */
  cacheHit?: boolean;
}

type Attr = {
  key: string;
  value: { stringValue?: string; intValue?: string; boolValue?: boolean };
};
const str = (key: string, v: string): Attr => ({ key, value: { stringValue: v } });
const int = (key: string, v: number): Attr => ({ key, value: { intValue: String(v) } });

/** An OTLP/JSON trace export of `spans` as GenAI chat spans of `service`. */
export function otlpJson(service: string, spans: SeedSpan[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', service)] },
        scopeSpans: [
          {
            scope: { name: 'dashboard-seed' },
            spans: spans.map((s) => ({
              traceId: randomBytes(16).toString('hex'),
              spanId: randomBytes(8).toString('hex'),
              name: `chat ${s.model}`,
              kind: 3,
              startTimeUnixNano: String(BigInt(s.startMs) * 1_000_000n),
              endTimeUnixNano: String(BigInt(s.startMs + s.durationMs) * 1_000_000n),
              attributes: [
                str('gen_ai.operation.name', 'chat'),
                str('gen_ai.provider.name', 'openai'),
                str('gen_ai.request.model', s.model),
                str('aiobs.model.version', s.version),
                str('aiobs.deployment.variant', s.variant),
                int('gen_ai.usage.input_tokens', s.inputTokens),
                int('gen_ai.usage.output_tokens', s.outputTokens),
                ...(s.error ? [str('error.type', 'rate_limit')] : []),
                ...(s.cacheHit === undefined
                  ? []
                  : [{ key: 'aiobs.cache.hit', value: { boolValue: s.cacheHit } }]),
              ],
              status: { code: s.error ? 2 : 1 },
            })),
          },
        ],
      },
    ],
  };
}

/** Posts `spans` over OTLP/HTTP JSON with the collector's ingest key. */
export async function sendSpans(
  c: RunningCollector,
  service: string,
  spans: SeedSpan[],
): Promise<void> {
  const res = await fetch(`${c.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${c.apiKey}` },
    body: JSON.stringify(otlpJson(service, spans)),
  });
  if (!res.ok) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes (then throws). */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
