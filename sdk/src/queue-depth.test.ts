import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initInMemory, type MemoryPipeline } from './in-memory.test-util.js';
import { recordQueueDepth } from './queue-depth.js';

let p: MemoryPipeline;
beforeEach(() => {
  p = initInMemory();
});
afterEach(() => p.shutdown());

describe('recordQueueDepth', () => {
  it('records the last depth per model as the aiobs.inference.queue.depth gauge', async () => {
    recordQueueDepth('llama', 3);
    recordQueueDepth('llama', 7);
    recordQueueDepth('bert', 1, { 'aiobs.model.version': 'v2' });
    recordQueueDepth('llama', -1); // ignored
    recordQueueDepth('llama', Number.NaN); // ignored
    const m = (await p.metrics()).find((x) => x.descriptor.name === 'aiobs.inference.queue.depth');
    expect(m?.descriptor.unit).toBe('{request}');
    const points = (m?.dataPoints ?? []) as DataPoint<number>[];
    const byModel = Object.fromEntries(
      points.map((d) => [d.attributes['gen_ai.request.model'], d]),
    );
    expect(byModel.llama?.value).toBe(7);
    expect(byModel.bert?.value).toBe(1);
    expect(byModel.bert?.attributes['aiobs.model.version']).toBe('v2');
  });
});
