import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Metadata } from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/collector.js';
import { decodeRetryStatus, EXPORT_PATHS, rawOtlpClient } from './helpers/grpc.js';
import { expectEveryTraceListed, runOtelApp, type Sent } from './helpers/otel-app.js';
import { decodePartialSuccess, encodeSpans } from './helpers/otlp.js';
import { hasOpenssl, makeLoopbackCert } from './helpers/tls.js';

// grpc-js status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

const since = () => Date.now() - 3_600_000;

describe('OTLP/gRPC receiver', () => {
  let c: RunningCollector;
  beforeAll(async () => {
    c = await startCollector();
    expect(c.grpcPort).toBeGreaterThan(0);
    expect(c.grpcPort).not.toBe(c.port);
  });
  afterAll(async () => {
    expect(await c.stop()).toBe(0);
  });

  function runApp(runId: string, gzip: boolean): Promise<Sent> {
    return runOtelApp('otel-grpc-app.mjs', {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${c.grpcPort}`,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${c.apiKey}`,
      OTEL_SERVICE_NAME: `grpc-${runId}`,
      RUN_ID: runId,
      GZIP: gzip ? '1' : '0',
    });
  }

  describe.each([
    ['uncompressed', 'plain', false],
    ['gzip', 'gzip', true],
  ] as const)('official OTel gRPC exporters, %s', (_label, runId, gzip) => {
    let sent: Sent;
    const service = `grpc-${runId}`;
    beforeAll(async () => {
      sent = await runApp(runId, gzip);
    });

    test('every span comes back, with its trace, parent and status', async () => {
      await expectEveryTraceListed(c, service, sent);
      const one = sent.traces[1]!;
      const spans = await c.api<{ spans: Record<string, any>[] }>(`/api/v1/traces/${one.traceId}`);
      const child = spans.spans.find((s) => s.spanId === one.childSpanId)!;
      expect(child.parentSpanId).toBe(one.spanId);
      expect(child.attributes).toEqual({ 'e2e.child': 'true' });
      const root = spans.spans.find((s) => s.spanId === one.spanId)!;
      expect(root.resourceAttributes).toMatchObject({
        'service.name': service,
        'aiobs.run': runId,
      });
      expect(root.events[0]).toMatchObject({ name: 'first_token', attributes: { 'e2e.at': '1' } });
    });

    test('every log record comes back with its trace context', async () => {
      const res = await c.api<{ logs: Record<string, any>[] }>(
        `/api/v1/logs?service=${service}&limit=1000&from=${since()}`,
      );
      expect(res.logs).toHaveLength(sent.logs.length);
      for (const l of sent.logs) {
        const got = res.logs.find((x) => x.body === `handled request ${l.index}`);
        expect(got, `log ${l.index}`).toBeDefined();
        expect(got!.traceId).toBe(l.traceId);
        expect(got!.spanId).toBe(l.spanId);
        expect(got!.severityNumber).toBe(l.index % 5 === 0 ? 17 : 9);
      }
    });

    test('histogram and counter points come back with their totals', async () => {
      const hist = await c.api<{ points: Record<string, any>[] }>(
        `/api/v1/metrics/points?name=gen_ai.client.operation.duration&service=${service}&from=${since()}`,
      );
      expect(hist.points).toHaveLength(2);
      expect(hist.points.reduce((a, p) => a + Number(p.count), 0)).toBe(
        sent.metrics.histogramCount,
      );
      expect(hist.points.reduce((a, p) => a + p.sum, 0)).toBeCloseTo(sent.metrics.histogramSum, 9);
      const tokens = await c.api<{ points: Record<string, any>[] }>(
        `/api/v1/metrics/points?name=e2e.tokens&service=${service}&from=${since()}`,
      );
      expect(tokens.points.map((p) => p.value)).toEqual([
        sent.metrics.tokensPerModel,
        sent.metrics.tokensPerModel,
      ]);
    });
  });

  test('the official exporter with a wrong key fails with UNAUTHENTICATED', async () => {
    const result = await exportSpans(c.grpcPort!, 'not-a-key-of-this-collector', 1, 'none');
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect((result.error as { code?: number }).code).toBe(UNAUTHENTICATED);
  });

  test('x-aiobs-api-key metadata authenticates; none at all is UNAUTHENTICATED', async () => {
    const client = rawOtlpClient(c.grpcPort!);
    const body = encodeSpans('grpc-header-key', [{}]);
    const ok = await client.call(EXPORT_PATHS.traces, body, { 'x-aiobs-api-key': c.apiKey });
    expect(ok.ok).toBe(true);
    const none = await client.call(EXPORT_PATHS.traces, body);
    expect(none.ok).toBe(false);
    if (!none.ok) {
      expect(none.code).toBe(UNAUTHENTICATED);
      expect(none.details).toMatch(/missing credentials/);
    }
    client.close();
  });

  test('an undecodable message is INVALID_ARGUMENT, for each signal', async () => {
    const client = rawOtlpClient(c.grpcPort!);
    // A resource_spans field whose length runs past the end of the message.
    const truncated = Buffer.from([0x0a, 0x10, 0x0a, 0x02]);
    for (const path of Object.values(EXPORT_PATHS)) {
      const res = await client.call(path, truncated, { authorization: `Bearer ${c.apiKey}` });
      expect(res.ok, path).toBe(false);
      if (!res.ok) {
        expect(res.code, path).toBe(INVALID_ARGUMENT);
        expect(res.details.length).toBeGreaterThan(0);
        expect(res.trailers.get('grpc-status-details-bin')).toEqual([]);
      }
    }
    client.close();
  });

  test('a rejected record is reported in partial_success; the rest are stored', async () => {
    const client = rawOtlpClient(c.grpcPort!, { gzip: true });
    const body = encodeSpans('grpc-partial', [
      {},
      { traceId: '00000000000000000000000000000000' },
      {},
    ]);
    const res = await client.call(EXPORT_PATHS.traces, body, {
      authorization: `Bearer ${c.apiKey}`,
    });
    client.close();
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const partial = decodePartialSuccess(res.response);
    expect(partial.rejected).toBe(1);
    expect(partial.message).toMatch(/trace id is all zeros/);
    const stored = await c.api<{ rows: { n: number | string }[] }>('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: "SELECT count() AS n FROM otel_traces WHERE ServiceName = 'grpc-partial'",
      }),
    });
    expect(Number(stored.rows[0]!.n)).toBe(2);
  });
});

describe('OTLP/gRPC rate limits (shared with OTLP/HTTP)', () => {
  test('a key over its ingest rate, and an address over its failed attempts, get RESOURCE_EXHAUSTED with RetryInfo', async () => {
    const c = await startCollector({
      args: [
        '--ingest-rate-limit',
        '0.01',
        '--ingest-rate-burst',
        '1',
        '--auth-failure-rate',
        '0.01',
        '--auth-failure-burst',
        '2',
      ],
    });
    const client = rawOtlpClient(c.grpcPort!);
    const body = encodeSpans('grpc-rate', [{}]);
    const retryOf = (r: Awaited<ReturnType<typeof client.call>>) => {
      if (r.ok) return undefined;
      const [bin] = r.trailers.get('grpc-status-details-bin') as Buffer[];
      return bin ? decodeRetryStatus(bin) : undefined;
    };
    try {
      const auth = { authorization: `Bearer ${c.apiKey}` };
      expect((await client.call(EXPORT_PATHS.traces, body, auth)).ok).toBe(true);
      const limited = await client.call(EXPORT_PATHS.traces, body, auth);
      expect(limited.ok ? 0 : limited.code).toBe(RESOURCE_EXHAUSTED);
      const retry = retryOf(limited);
      expect(retry?.code).toBe(RESOURCE_EXHAUSTED);
      expect(retry?.message).toMatch(/ingest rate limit/);
      expect(retry?.details[0]?.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
      expect(retry?.details[0]?.retryDelaySeconds).toBeGreaterThanOrEqual(1);

      const wrong = { 'x-aiobs-api-key': 'wrong-key-for-this-collector' };
      for (let i = 0; i < 2; i++) {
        const r = await client.call(EXPORT_PATHS.logs, body, wrong);
        expect(r.ok ? 0 : r.code).toBe(UNAUTHENTICATED);
      }
      const blocked = await client.call(EXPORT_PATHS.logs, body, wrong);
      expect(blocked.ok ? 0 : blocked.code).toBe(RESOURCE_EXHAUSTED);
      expect(retryOf(blocked)?.message).toMatch(/failed authentication attempts/);
    } finally {
      client.close();
      expect(await c.stop()).toBe(0);
    }
  });
});

describe('OTLP/gRPC connection cap (--max-connections)', () => {
  test('connections over the cap are closed as they arrive, and logged; a freed slot is reused', async () => {
    const c = await startCollector({ args: ['--max-connections', '1'] });
    const auth = { authorization: `Bearer ${c.apiKey}` };
    const body = encodeSpans('grpc-conn-cap', [{}]);
    const first = rawOtlpClient(c.grpcPort!);
    try {
      expect((await first.call(EXPORT_PATHS.traces, body, auth)).ok).toBe(true);
      const second = rawOtlpClient(c.grpcPort!);
      const refused = await second.call(EXPORT_PATHS.traces, body, auth);
      second.close();
      expect(refused.ok ? 0 : refused.code).toBe(UNAVAILABLE);
      while (!c.output().includes('OTLP/gRPC connections refused: --max-connections reached'))
        await new Promise((r) => setTimeout(r, 20));
      first.close();
      // Once the first connection is gone, a new one is served (polled: the server sees the
      // close a moment after the client makes it).
      for (;;) {
        const next = rawOtlpClient(c.grpcPort!);
        const res = await next.call(EXPORT_PATHS.traces, body, auth);
        next.close();
        if (res.ok) break;
        expect(res.code).toBe(UNAVAILABLE);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      first.close();
      expect(await c.stop()).toBe(0);
    }
  });

  test('a connection that sends nothing is closed after --headers-timeout and frees its slot', async () => {
    const c = await startCollector({
      args: ['--max-connections', '1', '--headers-timeout', '1', '--request-timeout', '1'],
    });
    try {
      const silent = connect(c.grpcPort!, '127.0.0.1');
      const closed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
      silent.on('error', () => {}); // the server resets it: ECONNRESET is the expected end
      await once(silent, 'connect');
      // The server ends it; the test waits for that event (its own timeout bounds the wait).
      await closed;
      const client = rawOtlpClient(c.grpcPort!);
      const res = await client.call(EXPORT_PATHS.traces, encodeSpans('grpc-silent', [{}]), {
        authorization: `Bearer ${c.apiKey}`,
      });
      client.close();
      expect(res.ok).toBe(true);
    } finally {
      expect(await c.stop()).toBe(0);
    }
  });
});

describe('OTLP/gRPC over TLS (--tls-cert / --tls-key)', () => {
  test.skipIf(!hasOpenssl)(
    "serves gRPC with the HTTP listener's certificate; plaintext is not served",
    async () => {
      const { dir } = makeLoopbackCert('aiobs-grpc-tls-');
      const c = await startCollector({
        args: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')],
      });
      const tls = rawOtlpClient(c.grpcPort!, { ca: readFileSync(join(dir, 'cert.pem')) });
      const plain = rawOtlpClient(c.grpcPort!);
      try {
        const auth = { authorization: `Bearer ${c.apiKey}` };
        const body = encodeSpans('grpc-tls', [{}]);
        const ok = await tls.call(EXPORT_PATHS.traces, body, auth);
        expect(ok.ok).toBe(true);
        const refused = await plain.call(EXPORT_PATHS.traces, body, auth);
        expect(refused.ok).toBe(false);
      } finally {
        tls.close();
        plain.close();
        expect(await c.stop()).toBe(0);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('OTLP/gRPC limits, saturation and shutdown', () => {
  test('message size limits apply after gzip; a full write path is UNAVAILABLE with RetryInfo; the drain answers a pending call', async () => {
    const c = await startCollector({
      // Answers after the insert, so a call whose rows wait for it is pending until the drain.
      args: [
        '--ack-after',
        'insert',
        '--batch-max-delay-ms',
        '60000',
        '--max-pending-bytes',
        '1024',
        '--max-body-bytes',
        '65536',
      ],
      cleanup: false,
    });
    const auth = { authorization: `Bearer ${c.apiKey}` };
    const plain = rawOtlpClient(c.grpcPort!);
    const gzip = rawOtlpClient(c.grpcPort!, { gzip: true });
    try {
      // Over --max-body-bytes as sent, and (compressed to ~100 bytes) only once inflated.
      const big = Buffer.alloc(100_000);
      const tooBig = await plain.call(EXPORT_PATHS.traces, big, auth);
      expect(tooBig.ok ? 0 : tooBig.code).toBe(RESOURCE_EXHAUSTED);
      expect(gzipSync(big).length).toBeLessThan(65536);
      const bomb = await gzip.call(EXPORT_PATHS.traces, big, auth);
      expect(bomb.ok ? 0 : bomb.code).toBe(RESOURCE_EXHAUSTED);
      if (!bomb.ok) expect(bomb.details).toMatch(/decompresses to a size larger than 65536/);
      // The official exporter's gzip reaches the collector compressed: 1,000 spans are ~110 KB
      // as protobuf, so only the inflated size can be over the limit.
      const gzipped = await exportSpans(c.grpcPort!, c.apiKey, 1000, 'gzip');
      expect(gzipped.code).toBe(ExportResultCode.FAILED);
      expect((gzipped.error as { code?: number }).code).toBe(RESOURCE_EXHAUSTED);
      expect(gzipped.error?.message).toMatch(/decompresses to a size larger than 65536/);
      // A 40 KB service name is copied into each of 10 rows: over the decoded-size limit
      // (2 x --max-body-bytes) though the message is within --max-body-bytes. Not retryable.
      const amplified = encodeSpans(
        'x'.repeat(40_000),
        Array.from({ length: 10 }, () => ({})),
      );
      expect(amplified.length).toBeLessThan(65536);
      const tooWide = await plain.call(EXPORT_PATHS.traces, amplified, auth);
      expect(tooWide.ok ? 0 : tooWide.code).toBe(RESOURCE_EXHAUSTED);
      if (!tooWide.ok) {
        expect(tooWide.details).toMatch(/decoded-size limit of 131072 bytes/);
        expect(tooWide.trailers.get('grpc-status-details-bin')).toEqual([]);
      }
      // Credentials are checked from the metadata, before the message is read: an
      // anonymous caller never gets the collector to read (or inflate) its message.
      const anonymous = await plain.call(EXPORT_PATHS.traces, big);
      expect(anonymous.ok ? 0 : anonymous.code).toBe(UNAUTHENTICATED);

      const first = await plain.call(EXPORT_PATHS.traces, encodeSpans('grpc-drain', [{}]), auth);
      expect(first.ok).toBe(true);
      // The next call's rows wait a minute for their insert and fill the 1 KiB budget; the
      // health route shows them, so the test waits on that state rather than on time.
      let settled = false;
      const pending = gzip.call(
        EXPORT_PATHS.traces,
        encodeSpans(
          'grpc-drain',
          Array.from({ length: 20 }, () => ({})),
        ),
        auth,
      );
      pending.then(() => {
        settled = true;
      });
      for (;;) {
        const h = await c.api<{ ingest: { pendingBytes: number } }>('/api/v1/health');
        if (h.ingest.pendingBytes > 1024) break;
      }
      // Refused before its message is read: UNAVAILABLE, not the size limit's status.
      const refused = await plain.call(EXPORT_PATHS.logs, big, auth);
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.code).toBe(UNAVAILABLE);
        const [bin] = refused.trailers.get('grpc-status-details-bin') as Buffer[];
        expect(bin).toBeInstanceOf(Buffer);
        const status = decodeRetryStatus(bin!);
        expect(status.code).toBe(UNAVAILABLE);
        expect(status.message).toMatch(/saturated/);
        expect(status.details).toEqual([
          { typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', retryDelaySeconds: 1 },
        ]);
      }

      // Its rows are not committed yet, so the pending call has no answer yet; SIGTERM
      // flushes them and then it is answered OK.
      expect(settled).toBe(false);
      const code = c.stop();
      const res = await pending;
      expect(res.ok).toBe(true);
      expect(await code).toBe(0);
    } finally {
      plain.close();
      gzip.close();
    }

    const again = await startCollector({
      dataDir: c.dataDir,
      apiKey: c.apiKey,
      adminToken: c.adminToken,
      cleanup: true,
    });
    const count = await again.api<{ rows: { n: number | string }[] }>('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: "SELECT count() AS n FROM otel_traces WHERE ServiceName = 'grpc-drain'",
      }),
    });
    expect(Number(count.rows[0]!.n)).toBe(21);
    expect(await again.stop()).toBe(0);
  });
});

/** The exporter's `compression` option: its CompressionAlgorithm enum holds 'gzip' and 'none'. */
type ExporterCompression = NonNullable<
  NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>['compression']
>;

/** Exports `count` spans once with the official OTLP/gRPC trace exporter; its result. */
async function exportSpans(
  port: number,
  key: string,
  count: number,
  compression: 'gzip' | 'none',
): Promise<{ code: number; error?: Error }> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('e2e');
  for (let i = 0; i < count; i++)
    tracer.startSpan('chat gpt-4o', { attributes: { 'gen_ai.request.model': 'gpt-4o' } }).end();
  const exporter = new OTLPTraceExporter({
    url: `http://127.0.0.1:${port}`,
    metadata: metadataOf({ authorization: `Bearer ${key}` }),
    compression: compression as ExporterCompression,
  });
  const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
    exporter.export(memory.getFinishedSpans(), resolve),
  );
  await exporter.shutdown();
  await provider.shutdown();
  return result;
}

function metadataOf(headers: Record<string, string>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(headers)) m.set(k, v);
  return m;
}
