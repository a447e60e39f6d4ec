/**
 * Metric data the OpenTelemetry JS SDK cannot produce (summaries, exemplars, negative
 * exponential buckets, int64 extremes, non-finite doubles), written by hand as an OTLP/JSON
 * request, with the rows the decoders must write for it. Used by record-fixtures.mjs.
 */
const T = '1750000000000000000';
const T1 = '1750000060000000000';
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const str = (key, value) => ({ key, value: { stringValue: value } });

export const craftedMetrics = {
  resourceMetrics: [
    {
      resource: {
        attributes: [str('service.name', 'fixture-crafted'), str('host.name', 'node-1')],
      },
      schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      scopeMetrics: [
        {
          scope: {
            name: 'crafted-scope',
            version: '2.0.0',
            attributes: [{ key: 'scope.flag', value: { boolValue: true } }],
            droppedAttributesCount: 2,
          },
          schemaUrl: 'https://example.com/scope-schema',
          metrics: [
            {
              name: 'rpc.server.duration',
              description: 'RPC latency summary',
              unit: 'ms',
              summary: {
                dataPoints: [
                  {
                    attributes: [str('rpc.method', 'Predict')],
                    startTimeUnixNano: T,
                    timeUnixNano: T1,
                    count: '10',
                    sum: 123.5,
                    quantileValues: [
                      { quantile: 0, value: 1.5 },
                      { quantile: 0.5, value: 10 },
                      { quantile: 0.99, value: 42.25 },
                      { quantile: 1, value: 50 },
                    ],
                  },
                  // FLAG_NO_RECORDED_VALUE, nothing else.
                  { startTimeUnixNano: T, timeUnixNano: T1, count: '0', flags: 1 },
                ],
              },
            },
            {
              name: 'crafted.gauge',
              unit: '1',
              gauge: {
                dataPoints: [
                  {
                    timeUnixNano: T1,
                    asDouble: 0.93,
                    exemplars: [
                      {
                        timeUnixNano: '1750000059000000000',
                        asDouble: 0.97,
                        spanId: SPAN,
                        traceId: TRACE,
                        filteredAttributes: [str('user.id', 'u-1')],
                      },
                    ],
                  },
                  {
                    timeUnixNano: T1,
                    asInt: '9007199254740993',
                    exemplars: [{ timeUnixNano: T1, asInt: '-5' }],
                  },
                  { timeUnixNano: T1, asDouble: 'Infinity' },
                  { timeUnixNano: T1, asDouble: 'NaN' },
                ],
              },
            },
            {
              name: 'crafted.delta.sum',
              sum: {
                aggregationTemporality: 1,
                isMonotonic: true,
                dataPoints: [
                  {
                    startTimeUnixNano: T,
                    timeUnixNano: T1,
                    asInt: '-9223372036854775808',
                    exemplars: [
                      {
                        timeUnixNano: T1,
                        asDouble: 1.5,
                        spanId: '00f067aa0ba902b7',
                        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                      },
                    ],
                  },
                ],
              },
            },
            {
              name: 'crafted.histogram',
              unit: 's',
              histogram: {
                aggregationTemporality: 2,
                dataPoints: [
                  {
                    startTimeUnixNano: T,
                    timeUnixNano: T1,
                    count: '6',
                    bucketCounts: ['1', '2', '3'],
                    explicitBounds: [0.1, 1],
                    exemplars: [{ timeUnixNano: T1, asDouble: 0.5, spanId: SPAN, traceId: TRACE }],
                  },
                  { startTimeUnixNano: T, timeUnixNano: T1, count: '0' },
                ],
              },
            },
            {
              name: 'crafted.exp_histogram',
              exponentialHistogram: {
                aggregationTemporality: 1,
                dataPoints: [
                  {
                    startTimeUnixNano: T,
                    timeUnixNano: T1,
                    count: '9',
                    sum: -3.5,
                    scale: -2,
                    zeroCount: '2',
                    positive: { offset: -3, bucketCounts: ['1', '0', '3'] },
                    negative: { offset: 2, bucketCounts: ['2', '1'] },
                    min: -40,
                    max: 12,
                    zeroThreshold: 1e-9,
                    exemplars: [{ timeUnixNano: T1, asDouble: -40 }],
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
};

const common = {
  serviceName: 'fixture-crafted',
  resourceAttributes: { 'service.name': 'fixture-crafted', 'host.name': 'node-1' },
  resourceSchemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
  scopeName: 'crafted-scope',
  scopeVersion: '2.0.0',
  scopeAttributes: { 'scope.flag': 'true' },
  scopeDroppedAttrCount: 2,
  scopeSchemaUrl: 'https://example.com/scope-schema',
};
const noExemplars = [];
const exemplar = (time, value, traceId = '', spanId = '', attributes = {}) => ({
  time,
  value,
  traceId,
  spanId,
  attributes,
});

/** Rows per table, in order; doubles that JSON cannot hold are strings ("NaN", "Infinity"). */
export const craftedExpected = {
  common,
  summary: [
    {
      metricName: 'rpc.server.duration',
      description: 'RPC latency summary',
      unit: 'ms',
      attributes: { 'rpc.method': 'Predict' },
      startTimeUnixNano: T,
      timeUnixNano: T1,
      flags: 0,
      count: '10',
      sum: 123.5,
      quantiles: [0, 0.5, 0.99, 1],
      values: [1.5, 10, 42.25, 50],
    },
    {
      metricName: 'rpc.server.duration',
      description: 'RPC latency summary',
      unit: 'ms',
      attributes: {},
      startTimeUnixNano: T,
      timeUnixNano: T1,
      flags: 1,
      count: '0',
      sum: 0,
      quantiles: [],
      values: [],
    },
  ],
  gauge: [
    {
      metricName: 'crafted.gauge',
      unit: '1',
      startTimeUnixNano: '0',
      timeUnixNano: T1,
      value: 0.93,
      exemplars: [exemplar('1750000059000000000', 0.97, TRACE, SPAN, { 'user.id': 'u-1' })],
    },
    {
      metricName: 'crafted.gauge',
      unit: '1',
      startTimeUnixNano: '0',
      timeUnixNano: T1,
      value: 9007199254740992,
      exemplars: [exemplar(T1, -5)],
    },
    {
      metricName: 'crafted.gauge',
      unit: '1',
      startTimeUnixNano: '0',
      timeUnixNano: T1,
      value: 'Infinity',
      exemplars: noExemplars,
    },
    {
      metricName: 'crafted.gauge',
      unit: '1',
      startTimeUnixNano: '0',
      timeUnixNano: T1,
      value: 'NaN',
      exemplars: noExemplars,
    },
  ],
  sum: [
    {
      metricName: 'crafted.delta.sum',
      startTimeUnixNano: T,
      timeUnixNano: T1,
      value: -(2 ** 63),
      aggregationTemporality: 1,
      isMonotonic: true,
      exemplars: [exemplar(T1, 1.5, '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')],
    },
  ],
  histogram: [
    {
      metricName: 'crafted.histogram',
      unit: 's',
      count: '6',
      sum: 0,
      min: 0,
      max: 0,
      bucketCounts: ['1', '2', '3'],
      explicitBounds: [0.1, 1],
      aggregationTemporality: 2,
      exemplars: [exemplar(T1, 0.5, TRACE, SPAN)],
    },
    {
      metricName: 'crafted.histogram',
      unit: 's',
      count: '0',
      sum: 0,
      min: 0,
      max: 0,
      bucketCounts: [],
      explicitBounds: [],
      aggregationTemporality: 2,
      exemplars: noExemplars,
    },
  ],
  expHistogram: [
    {
      metricName: 'crafted.exp_histogram',
      count: '9',
      sum: -3.5,
      scale: -2,
      zeroCount: '2',
      positiveOffset: -3,
      positiveBucketCounts: ['1', '0', '3'],
      negativeOffset: 2,
      negativeBucketCounts: ['2', '1'],
      min: -40,
      max: 12,
      aggregationTemporality: 1,
      exemplars: [exemplar(T1, -40)],
    },
  ],
};
