import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { type Collection, gauge, sum } from '../metrics/model.js';
import { decodeMetricsRequest } from '../test-support/otlp-decode.js';
import { decodePartialSuccess, encodeMetricsRequest, MetricsEncoder } from './otlp-encode.js';

const T1 = 1_760_000_000_123;
const T2 = T1 + 10_000;
const START = 1_759_999_000_000;
const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

const collections: Collection[] = [
  {
    timeMs: T1,
    metrics: [
      gauge('hw.gpu.utilization', '1', [
        {
          attributes: { 'hw.id': 'GPU-a', 'hw.gpu.task': 'general', 'hw.type': 'gpu' },
          value: 0.42,
        },
      ]),
      sum('hw.energy', 'J', true, START, [{ attributes: { 'hw.id': 'GPU-a' }, value: 1234.5 }]),
      sum('system.memory.usage', 'By', false, START, [
        { attributes: { 'system.memory.state': 'used' }, value: 8_589_934_592 },
      ]),
      gauge('aiobs.gpu.process.memory.usage', 'By', [
        { attributes: { 'process.pid': 4242, 'process.executable.name': 'python3' }, value: 1 },
      ]),
    ],
  },
  {
    timeMs: T2,
    metrics: [
      gauge('hw.gpu.utilization', '1', [
        {
          attributes: { 'hw.id': 'GPU-a', 'hw.gpu.task': 'general', 'hw.type': 'gpu' },
          value: 0.5,
        },
      ]),
    ],
  },
];

function officialBytes(): Uint8Array {
  const rm: ResourceMetrics = {
    resource: resourceFromAttributes({ 'host.name': 'gpu-01', 'service.name': 'aiobs-agent' }),
    scopeMetrics: [
      {
        scope: { name: '@aiobs/agent', version: '0.1.0' },
        metrics: [
          {
            descriptor: { name: 'hw.gpu.utilization', description: '', unit: '1', valueType: 1 },
            dataPointType: DataPointType.GAUGE,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPoints: [T1, T2].map((t, i) => ({
              startTime: hr(t),
              endTime: hr(t),
              attributes: { 'hw.id': 'GPU-a', 'hw.gpu.task': 'general', 'hw.type': 'gpu' },
              value: i === 0 ? 0.42 : 0.5,
            })),
          },
          {
            descriptor: { name: 'hw.energy', description: '', unit: 'J', valueType: 1 },
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPoints: [
              {
                startTime: hr(START),
                endTime: hr(T1),
                attributes: { 'hw.id': 'GPU-a' },
                value: 1234.5,
              },
            ],
          },
          {
            descriptor: {
              name: 'system.memory.usage',
              description: '',
              unit: 'By',
              valueType: ValueType.DOUBLE,
            },
            dataPointType: DataPointType.SUM,
            isMonotonic: false,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPoints: [
              {
                startTime: hr(START),
                endTime: hr(T1),
                attributes: { 'system.memory.state': 'used' },
                value: 8_589_934_592,
              },
            ],
          },
          {
            descriptor: {
              name: 'aiobs.gpu.process.memory.usage',
              description: '',
              unit: 'By',
              valueType: ValueType.DOUBLE,
            },
            dataPointType: DataPointType.GAUGE,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPoints: [
              {
                startTime: hr(T1),
                endTime: hr(T1),
                attributes: { 'process.pid': 4242, 'process.executable.name': 'python3' },
                value: 1,
              },
            ],
          },
        ],
      },
    ],
  };
  const bytes = ProtobufMetricsSerializer.serializeRequest(rm);
  if (!bytes) throw new Error('official serializer returned nothing');
  return bytes;
}

describe('encodeMetricsRequest', () => {
  it('decodes to the same request as the official OpenTelemetry serializer', () => {
    const ours = decodeMetricsRequest(
      encodeMetricsRequest(
        { 'host.name': 'gpu-01', 'service.name': 'aiobs-agent' },
        { name: '@aiobs/agent', version: '0.1.0' },
        collections,
      ),
    );
    const theirs = decodeMetricsRequest(officialBytes());
    // The official serializer writes start time on gauges too; OTLP leaves it optional there.
    for (const m of theirs.scopes[0]!.metrics) {
      if (m.type === 'gauge') for (const p of m.points) p.startTimeUnixNano = '0';
      // Gauges carry no temporality in OTLP; the SDK's field is ignored for them.
      if (m.type === 'gauge') m.aggregationTemporality = 0;
    }
    expect(ours).toEqual(theirs);
    expect(ours.scopes[0]!.metrics.map((m) => m.name)).toEqual([
      'hw.gpu.utilization',
      'hw.energy',
      'system.memory.usage',
      'aiobs.gpu.process.memory.usage',
    ]);
  });

  it('keeps every collection as its own data point with its own time', () => {
    const req = decodeMetricsRequest(
      encodeMetricsRequest({}, { name: 's', version: '1' }, collections),
    );
    const util = req.scopes[0]!.metrics.find((m) => m.name === 'hw.gpu.utilization')!;
    expect(util.points.map((p) => [p.timeUnixNano, p.value])).toEqual([
      [`${T1}000000`, 0.42],
      [`${T2}000000`, 0.5],
    ]);
    const energy = req.scopes[0]!.metrics.find((m) => m.name === 'hw.energy')!;
    expect(energy).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2 });
    expect(energy.points[0]!.startTimeUnixNano).toBe(`${START}000000`);
  });

  it('encodes integer, negative and non-integer attribute values', () => {
    const req = decodeMetricsRequest(
      encodeMetricsRequest(
        { big: 2 ** 40, neg: -3, f: 1.5, b: true },
        { name: 's', version: '1' },
        [],
      ),
    );
    expect(req.resource).toEqual({ big: 2 ** 40, neg: -3, f: 1.5, b: true });
  });
});

describe('MetricsEncoder', () => {
  it('writes the same bytes as a fresh encoder on every call, whatever it cached before', () => {
    const encoder = new MetricsEncoder();
    const resource = { 'host.name': 'gpu-01' };
    const scope = { name: 's', version: '1' };
    // One attribute object in every call (cached by identity) beside fresh ones whose values
    // change (cached by key and value).
    const shared = { 'hw.id': 'GPU-a' };
    const at = (timeMs: number, value: number): Collection => ({
      timeMs,
      metrics: [
        gauge('hw.gpu.utilization', '1', [{ attributes: shared, value }]),
        sum('hw.energy', 'J', true, START, [{ attributes: { 'hw.id': 'GPU-a', n: value }, value }]),
      ],
    });
    const calls: [Record<string, string | number>, Collection[]][] = [
      [resource, [at(T1, 1)]],
      [resource, [at(T2, 2), at(T2 + 1000, 3)]],
      [{ 'host.name': 'gpu-02' }, [at(T2, 4)]],
      [resource, collections],
      [resource, []],
    ];
    for (const [res, cs] of calls) {
      expect(encoder.encode(res, scope, cs)).toEqual(encodeMetricsRequest(res, scope, cs));
    }
    const decoded = decodeMetricsRequest(encoder.encode(resource, scope, [at(T1, 5)]));
    expect(decoded.scopes[0]!.metrics[1]!.points[0]!.attributes).toEqual({
      'hw.id': 'GPU-a',
      n: 5,
    });
  });
});

describe('decodePartialSuccess', () => {
  it('reads rejected points and the message, and ignores empty bodies', () => {
    const ps = [0x08, 0x07, 0x12, 0x03, 0x62, 0x61, 0x64];
    const body = new Uint8Array([0x0a, ps.length, ...ps]);
    expect(decodePartialSuccess(body)).toEqual({ rejectedDataPoints: 7, errorMessage: 'bad' });
    expect(decodePartialSuccess(new Uint8Array())).toBeUndefined();
    expect(decodePartialSuccess(new Uint8Array([0xff]))).toBeUndefined();
  });
});
