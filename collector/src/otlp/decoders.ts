import type { LogsBlock } from '../storage/tables/logs-block.js';
import type { TracesBlock } from '../storage/tables/traces-block.js';
import type { OtlpEncoding } from './http.js';
import { decodeLogsJson } from './json/decode-logs.js';
import { decodeMetricsJson } from './json/decode-metrics.js';
import { decodeTracesJson } from './json/decode-traces.js';
import type { DecodeContext, DecodeOutcome } from './outcome.js';
import { decodeLogsProto } from './protobuf/decode-logs.js';
import { decodeMetricsProto, type MetricBlocks } from './protobuf/decode-metrics.js';
import { decodeTracesProto } from './protobuf/decode-traces.js';

/** Decodes an OTLP traces request in either encoding into `block`. */
export function decodeTraces(
  encoding: OtlpEncoding,
  body: Uint8Array,
  block: TracesBlock,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  if (encoding === 'protobuf') decodeTracesProto(body, block, ctx, outcome);
  else decodeTracesJson(body, block, ctx, outcome);
}

/** Decodes an OTLP metrics request in either encoding into the metric blocks. */
export function decodeMetrics(
  encoding: OtlpEncoding,
  body: Uint8Array,
  blocks: MetricBlocks,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  if (encoding === 'protobuf') decodeMetricsProto(body, blocks, ctx, outcome);
  else decodeMetricsJson(body, blocks, ctx, outcome);
}

/** Decodes an OTLP logs request in either encoding into `block`. */
export function decodeLogs(
  encoding: OtlpEncoding,
  body: Uint8Array,
  block: LogsBlock,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): void {
  if (encoding === 'protobuf') decodeLogsProto(body, block, ctx, outcome);
  else decodeLogsJson(body, block, ctx, outcome);
}
