import { SeverityNumber } from '@opentelemetry/api-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordFeedback } from './feedback.js';
import { initInMemory, type MemoryPipeline } from './in-memory.test-util.js';
import { observeInference } from './instrument.js';

let p: MemoryPipeline;
beforeEach(() => {
  p = initInMemory();
});
afterEach(() => p.shutdown());

describe('recordFeedback', () => {
  it('emits an aiobs.feedback event joined to the prediction id', async () => {
    const id = await observeInference(
      { model: 'fraud', operation: 'predict', provider: 'xgboost' },
      async (inf) => inf.predictionId,
    );
    recordFeedback(id, {
      label: 'fraud',
      value: 1,
      correct: false,
      score: 0.5,
      attributes: { 'app.source': 'chargeback' },
    });
    const [log] = await p.logs();
    expect(log?.eventName).toBe('aiobs.feedback');
    expect(log?.severityNumber).toBe(SeverityNumber.INFO);
    expect(log?.attributes).toEqual({
      'aiobs.prediction.id': id,
      'aiobs.feedback.label': 'fraud',
      'aiobs.feedback.value': 1,
      'aiobs.feedback.correct': false,
      'aiobs.feedback.score': 0.5,
      'app.source': 'chargeback',
    });
  });

  it('skips invalid fields and ignores calls without a prediction id, without throwing', async () => {
    const junk: any = {
      label: 7,
      value: Number.NaN,
      correct: 'yes',
      score: Number.POSITIVE_INFINITY,
    };
    recordFeedback('p-1', junk);
    recordFeedback(undefined as any, { correct: true });
    recordFeedback('', { correct: true });
    recordFeedback('p-2', null as any);
    const logs = await p.logs();
    expect(logs.map((l) => l.attributes)).toEqual([
      { 'aiobs.prediction.id': 'p-1' },
      { 'aiobs.prediction.id': 'p-2' },
    ]);
  });
});
