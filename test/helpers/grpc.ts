import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';

/** The OTLP export method of each signal. */
export const EXPORT_PATHS = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
} as const;

/** The answer to one raw unary call: the response bytes, or the status it failed with. */
export type CallResult =
  | { ok: true; response: Buffer }
  | { ok: false; code: number; details: string; trailers: Metadata };

/**
 * A raw grpc-js client for the OTLP export services, on a connection of its own: sends
 * protobuf bytes as they are and returns the response bytes or the full status (code,
 * details, trailers), which the official exporters do not show.
 */
export function rawOtlpClient(port: number, options: { gzip?: boolean; ca?: Buffer } = {}) {
  const creds = options.ca ? credentials.createSsl(options.ca) : credentials.createInsecure();
  const client = new Client(`127.0.0.1:${port}`, creds, {
    // A connection of its own: grpc-js otherwise shares one between clients of a target.
    'grpc.use_local_subchannel_pool': 1,
    // grpc-js: 2 is gzip (compression-algorithms.ts).
    ...(options.gzip ? { 'grpc.default_compression_algorithm': 2 } : {}),
  });
  const raw = (b: Buffer) => b;
  return {
    call(path: string, body: Uint8Array, headers: Record<string, string> = {}) {
      const metadata = new Metadata();
      for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
      return new Promise<CallResult>((resolve) => {
        // A bound, so a call that would hang fails the test instead of timing it out.
        const options = { deadline: Date.now() + 30_000 };
        client.makeUnaryRequest(
          path,
          raw,
          raw,
          Buffer.from(body),
          metadata,
          options,
          (err, res) => {
            if (err) {
              const e = err as ServiceError;
              resolve({ ok: false, code: e.code, details: e.details, trailers: e.metadata });
            } else resolve({ ok: true, response: res! });
          },
        );
      });
    },
    close: () => client.close(),
  };
}

/** Decodes `google.rpc.Status` with `google.rpc.RetryInfo` details (grpc-status-details-bin). */
export function decodeRetryStatus(bin: Buffer): {
  code: number;
  message: string;
  details: { typeUrl: string; retryDelaySeconds?: number }[];
} {
  const out = {
    code: 0,
    message: '',
    details: [] as { typeUrl: string; retryDelaySeconds?: number }[],
  };
  for (const [num, value] of fields(bin)) {
    if (num === 1) out.code = value as number;
    else if (num === 2) out.message = (value as Buffer).toString('utf8');
    else if (num === 3) {
      const detail: { typeUrl: string; retryDelaySeconds?: number } = { typeUrl: '' };
      for (const [n, v] of fields(value as Buffer)) {
        if (n === 1) detail.typeUrl = (v as Buffer).toString('utf8');
        else if (n === 2)
          for (const [rn, rv] of fields(v as Buffer))
            if (rn === 1)
              for (const [dn, dv] of fields(rv as Buffer))
                if (dn === 1) detail.retryDelaySeconds = dv as number;
      }
      out.details.push(detail);
    }
  }
  return out;
}

/** The fields of a protobuf message: varints as numbers, length-delimited as buffers. */
function* fields(buf: Buffer): Generator<[number, number | Buffer]> {
  let pos = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) yield [tag >>> 3, varint()];
    else if (wire === 2) {
      const len = varint();
      yield [tag >>> 3, buf.subarray(pos, pos + len)];
      pos += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
}
