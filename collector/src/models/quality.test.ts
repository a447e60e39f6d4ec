import { describe, expect, test } from 'vitest';
import {
  addSums,
  binOf,
  confusionKey,
  emptySums,
  labelQuality,
  positiveLabel,
  qualityFigures,
} from './quality.js';

// The pure arithmetic on hand-checked cases; quality.int.test.ts checks it against the
// records on the engine.

function confusion(cells: [string, string, number][]) {
  return new Map(cells.map(([t, p, n]) => [confusionKey(t, p), n]));
}

describe('labels', () => {
  test('precision, recall and F1 per label, over true and predicted labels', () => {
    // true\\pred: spam→spam 3, spam→ham 1, ham→spam 2, ham→ham 4, eggs never predicted.
    const labels = labelQuality(
      confusion([
        ['spam', 'spam', 3],
        ['spam', 'ham', 1],
        ['ham', 'spam', 2],
        ['ham', 'ham', 4],
        ['eggs', 'ham', 1],
      ]),
    );
    expect(labels).toEqual([
      { label: 'ham', support: 6, predicted: 6, precision: 4 / 6, recall: 4 / 6, f1: 8 / 12 },
      { label: 'spam', support: 4, predicted: 5, precision: 3 / 5, recall: 3 / 4, f1: 6 / 9 },
      { label: 'eggs', support: 1, predicted: 0, precision: null, recall: 0, f1: 0 },
    ]);
  });

  test('the positive label of a binary problem', () => {
    const two = labelQuality(
      confusion([
        ['legit', 'legit', 8],
        ['fraud', 'fraud', 1],
        ['fraud', 'legit', 1],
      ]),
    );
    expect(positiveLabel(two)?.label).toBe('fraud');
    expect(positiveLabel(two, 'legit')?.label).toBe('legit');
    expect(positiveLabel(two, 'other')).toBeNull();
    const truthy = labelQuality(
      confusion([
        ['0', '0', 1],
        ['true', 'true', 9],
      ]),
    );
    expect(positiveLabel(truthy)?.label).toBe('true');
    expect(
      positiveLabel(
        labelQuality(
          confusion([
            ['a', 'b', 1],
            ['c', 'c', 1],
          ]),
        ),
      ),
    ).toBeNull();
  });
});

describe('figures', () => {
  test('nothing gives nulls, not NaN', () => {
    const f = qualityFigures(emptySums());
    for (const v of Object.values(f)) expect(v === null || v === 0).toBe(true);
  });

  test('Brier score and ECE from bin sums equal their definitions', () => {
    // Scores 0.95 (right), 0.95 (wrong), 0.15 (right): bins 9, 9, 1.
    const s = emptySums();
    for (const [score, ok] of [
      [0.95, 1],
      [0.95, 0],
      [0.15, 1],
    ] as const) {
      const b = s.bins[binOf(score)]!;
      b.n += 1;
      b.s += score;
      b.s2 += score * score;
      b.y += ok;
      b.sy += score * ok;
    }
    const f = qualityFigures(s);
    expect(f.scored).toBe(3);
    expect(f.brier).toBeCloseTo((0.05 ** 2 + 0.95 ** 2 + 0.85 ** 2) / 3, 15);
    expect(f.ece).toBeCloseTo((2 / 3) * Math.abs(0.5 - 0.95) + (1 / 3) * Math.abs(1 - 0.15), 15);
    expect(binOf(1)).toBe(9);
    expect(binOf(0)).toBe(0);
  });

  test('sums add', () => {
    const a = emptySums();
    a.predictions = 3;
    a.confusion.set(confusionKey('x', 'x'), 2);
    const b = emptySums();
    b.predictions = 4;
    b.labelled = 2;
    b.confusion.set(confusionKey('x', 'x'), 1);
    addSums(a, b);
    expect(a.predictions).toBe(7);
    expect(qualityFigures(a).coverage).toBeCloseTo(2 / 7, 15);
    expect(a.confusion.get(confusionKey('x', 'x'))).toBe(3);
  });
});
