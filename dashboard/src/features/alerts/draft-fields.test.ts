import { expect, test } from 'vitest';
import { type Dimensions, fieldLabel, filterSuggestions, formFieldOf } from './draft-fields.js';
import { freshDraft, type RuleDraft } from './rule-draft.js';

const draft = (over: Partial<RuleDraft> = {}): RuleDraft => ({ ...freshDraft(), ...over });

test('an API refusal is placed next to the field it names', () => {
  const d = draft();
  expect(formFieldOf('condition.warning', d)).toBe('warning');
  expect(formFieldOf('condition.threshold', d)).toBe('threshold');
  expect(formFieldOf('condition', d)).toBe('threshold');
  expect(formFieldOf('interval', d)).toBe('interval');
  expect(formFieldOf('channels.0', d)).toBe('channels');
  expect(formFieldOf('signal.quantile', d)).toBe('param:latency.quantile');
  expect(formFieldOf('signal.attributes.x', d)).toBe('filter:attributes');
  expect(formFieldOf('signal', d)).toBe('kind');
  expect(formFieldOf(undefined, d)).toBeUndefined();
  expect(formFieldOf('step', d)).toBeUndefined();
  const anomaly = draft({ kind: 'anomaly', of: 'ttft' });
  expect(formFieldOf('signal.of.quantile', anomaly)).toBe('param:ttft.quantile');
  expect(formFieldOf('signal.of.model', anomaly)).toBe('filter:model');
  expect(formFieldOf('signal.minHistory', anomaly)).toBe('param:anomaly.minHistory');
  expect(formFieldOf('signal.objective.thresholdMs', draft({ kind: 'slo' }))).toBe(
    'param:slo.thresholdMs',
  );
  expect(formFieldOf('signal.by.attribute', draft({ kind: 'budget' }))).toBe(
    'param:budget.attribute',
  );
});

test('field labels, and filter values seen in the range', () => {
  expect(fieldLabel('warning')).toBe('Warning threshold');
  expect(fieldLabel('filter:gpu')).toBe('GPU id');
  expect(fieldLabel('param:budget.limitUsd')).toBe('Budget (USD)');
  const dims: Dimensions[] = [
    {
      model: 'b',
      versions: ['v2', 'v1'],
      variants: [],
      services: ['s'],
      providers: [],
      operations: [],
    },
    {
      model: 'a',
      versions: ['v3'],
      variants: ['x'],
      services: ['s'],
      providers: [],
      operations: [],
    },
  ];
  expect(filterSuggestions(dims, 'model', '')).toEqual(['a', 'b']);
  expect(filterSuggestions(dims, 'version', '')).toEqual(['v1', 'v2', 'v3']);
  expect(filterSuggestions(dims, 'version', 'b')).toEqual(['v1', 'v2']);
  expect(filterSuggestions(dims, 'service', 'unknown')).toEqual(['s']);
  expect(filterSuggestions(dims, 'host', '')).toEqual([]);
});
