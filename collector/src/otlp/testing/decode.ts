/**
 * Test support: runs a decoder on a body and reads back what it wrote, as rows, with the
 * Native reader. Not used at run time.
 */
import type { NativeBlock } from '../../storage/native/block.js';
import { type NativeValue, nativeRows, readNativeBlock } from '../../storage/native/read-block.js';
import { LogsBlock } from '../../storage/tables/logs-block.js';
import {
  ExpHistogramBlock,
  GaugeBlock,
  HistogramBlock,
  SumBlock,
  SummaryBlock,
} from '../../storage/tables/metrics-blocks.js';
import { TracesBlock } from '../../storage/tables/traces-block.js';
import { DecodeBudget } from '../decode-budget.js';
import { decodeLogsJson } from '../json/decode-logs.js';
import { decodeMetricsJson } from '../json/decode-metrics.js';
import { decodeTracesJson } from '../json/decode-traces.js';
import { type DecodeContext, DecodeOutcome, encodeProject } from '../outcome.js';
import { decodeLogsProto } from '../protobuf/decode-logs.js';
import { decodeMetricsProto, type MetricBlocks } from '../protobuf/decode-metrics.js';
import { decodeTracesProto } from '../protobuf/decode-traces.js';
import { encodeOtlpProtobuf, type OtlpRequestType } from './otlp-protobuf.js';

export type Signal = 'traces' | 'metrics' | 'logs';
export type Encoding = 'pb' | 'json';
export type Row = Record<string, NativeValue>;

export const REQUEST_TYPE: Record<Signal, OtlpRequestType> = {
  traces: 'ExportTraceServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
  logs: 'ExportLogsServiceRequest',
};

/** A decode context with test-sized limits; `limits` overrides the attribute count and budget. */
export function context(
  maxAttributeBytes = 4096,
  project = 'proj-1',
  limits: { maxAttributes?: number; maxDecodedBytes?: number; headroom?: number } = {},
): DecodeContext {
  return {
    project: encodeProject(project),
    maxAttributeBytes,
    maxAttributes: limits.maxAttributes ?? 128,
    droppedAttributes: 0,
    budget: new DecodeBudget(limits.maxDecodedBytes ?? Number.POSITIVE_INFINITY, limits.headroom),
  };
}

export function newMetricBlocks(): MetricBlocks {
  return {
    gauge: new GaugeBlock(),
    sum: new SumBlock(),
    histogram: new HistogramBlock(),
    expHistogram: new ExpHistogramBlock(),
    summary: new SummaryBlock(),
  };
}

export interface Decoded {
  outcome: DecodeOutcome;
  /** Every block the signal writes, by name (`traces`, `logs`, or the metric tables). */
  blocks: Record<string, NativeBlock>;
}

/** Decodes `body` into fresh blocks (throws what the decoder throws). */
export function decode(
  signal: Signal,
  encoding: Encoding,
  body: Uint8Array,
  shared: DecodeContext = context(),
): Decoded {
  // Each decode counts its own drops and bytes, as each request does at run time.
  const ctx = {
    ...shared,
    droppedAttributes: 0,
    budget: new DecodeBudget(shared.budget.limit, shared.budget.headroom),
  };
  const outcome = new DecodeOutcome();
  outcome.maxAttributes = ctx.maxAttributes;
  try {
    return decodeInto(signal, encoding, body, ctx, outcome);
  } finally {
    outcome.droppedAttributes = ctx.droppedAttributes;
  }
}

function decodeInto(
  signal: Signal,
  encoding: Encoding,
  body: Uint8Array,
  ctx: DecodeContext,
  outcome: DecodeOutcome,
): Decoded {
  if (signal === 'traces') {
    const block = new TracesBlock();
    (encoding === 'pb' ? decodeTracesProto : decodeTracesJson)(body, block, ctx, outcome);
    return { outcome, blocks: { traces: block } };
  }
  if (signal === 'logs') {
    const block = new LogsBlock();
    (encoding === 'pb' ? decodeLogsProto : decodeLogsJson)(body, block, ctx, outcome);
    return { outcome, blocks: { logs: block } };
  }
  const blocks = newMetricBlocks();
  (encoding === 'pb' ? decodeMetricsProto : decodeMetricsJson)(body, blocks, ctx, outcome);
  return { outcome, blocks: { ...blocks } };
}

/** Encodes an OTLP/JSON request object both ways and decodes each. */
export function decodeBoth(
  signal: Signal,
  request: unknown,
  ctx: DecodeContext = context(),
): { pb: Decoded; json: Decoded } {
  return {
    pb: decode(signal, 'pb', encodeOtlpProtobuf(REQUEST_TYPE[signal], request), ctx),
    json: decode(signal, 'json', Buffer.from(JSON.stringify(request)), ctx),
  };
}

/** A block's Native bytes. */
export function blockBytes(block: NativeBlock): Buffer {
  return Buffer.concat(block.encode());
}

/** A block's rows, read back from its Native bytes. */
export function rows(block: NativeBlock): Row[] {
  return nativeRows(readNativeBlock(blockBytes(block)));
}

/** A Map column's value as an object. */
export function mapOf(v: NativeValue | undefined): Record<string, string> {
  return Object.fromEntries(v as [string, string][]);
}
