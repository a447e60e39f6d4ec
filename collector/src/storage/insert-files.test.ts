import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InsertFiles, writeChunksSync } from './insert-files.js';

const dir = mkdtempSync(join(tmpdir(), 'aiobs-insert-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('InsertFiles', () => {
  it('hands a path to one insert at a time and reuses it once released', () => {
    const files = new InsertFiles(dir);
    const a = files.take('otel_traces');
    const b = files.take('otel_traces');
    expect(b).not.toBe(a);
    files.release('otel_traces', a);
    expect(files.take('otel_traces')).toBe(a);
    expect(files.take('otel_traces')).not.toBe(b);
  });

  it('keeps each table to its own paths', () => {
    const files = new InsertFiles(dir);
    const spans = files.take('otel_traces');
    files.release('otel_traces', spans);
    const features = files.take('aiobs_feature_values');
    expect(features).not.toBe(spans);
    expect(features.startsWith(join(dir, 'aiobs_feature_values'))).toBe(true);
  });
});

describe('writeChunksSync', () => {
  it('writes every chunk in order and replaces a longer earlier content', () => {
    const path = join(dir, 'chunks.native');
    writeChunksSync(path, [Buffer.from('x'.repeat(5000))]);
    const many = Array.from({ length: 2000 }, (_, i) => Buffer.from(String(i % 10)));
    writeChunksSync(path, [Buffer.from('head:'), ...many]);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(`head:${many.map((b) => b.toString()).join('')}`);
  });
});
