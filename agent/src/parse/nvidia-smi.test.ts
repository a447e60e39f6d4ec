import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectGpuFields } from '../gpu/fields.js';
import {
  isMissing,
  isNoDevices,
  parseDmonThroughput,
  parseHelpQuery,
  parseNumber,
  parsePstate,
  parseRow,
  unknownFieldError,
} from './nvidia-smi.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8');

describe('parseHelpQuery', () => {
  it('lists every quoted field, aliases included', () => {
    const f = parseHelpQuery(fx('help-query-gpu-580.txt'));
    expect(f.has('name')).toBe(true);
    expect(f.has('gpu_name')).toBe(true);
    expect(f.has('clocks_event_reasons.active')).toBe(true);
    expect(f.has('clocks_throttle_reasons.active')).toBe(true);
    expect(f.has('pcie.link.gen.gpucurrent')).toBe(true);
    // Description lines that mention quoted words are not fields.
    expect(f.has('YYYY/MM/DD HH:MM:SS.msec')).toBe(false);
  });
});

describe('selectGpuFields', () => {
  it('uses current spellings on driver 580', () => {
    const s = selectGpuFields(parseHelpQuery(fx('help-query-gpu-580.txt')));
    expect(s.missing).toEqual([]);
    expect(s.fields).toContain('clocks_event_reasons.active');
    expect(s.fields).toContain('pcie.link.gen.gpucurrent');
    expect(s.fields.slice(0, 3)).toEqual(['index', 'uuid', 'name']);
  });

  it('falls back to older spellings on driver 470 and reports what it lacks', () => {
    const s = selectGpuFields(parseHelpQuery(fx('help-query-gpu-470.txt')));
    expect(s.fields).toContain('clocks_throttle_reasons.active');
    expect(s.fields).toContain('pcie.link.gen.current');
    expect(s.fields).not.toContain('clocks_event_reasons.active');
    expect(s.missing).toEqual(['utilEncoder', 'utilDecoder', 'tempMemory']);
  });

  it('leaves out a field the tool rejected at run time', () => {
    const s = selectGpuFields(
      parseHelpQuery(fx('help-query-gpu-580.txt')),
      new Set(['power.draw']),
    );
    expect(s.fields).toContain('power.draw.average');
    expect(s.fields).not.toContain('power.draw');
  });
});

describe('parseRow and values', () => {
  const s = selectGpuFields(parseHelpQuery(fx('help-query-gpu-580.txt')));

  it('maps a query-gpu row to the requested fields', () => {
    const lines = fx('query-gpu-h200x8.csv').trim().split('\n');
    expect(lines).toHaveLength(8);
    const row = parseRow(lines[0]!, s.fields)!;
    expect(row.uuid).toBe('GPU-8f00a1b2-c3d4-e5f6-0718-20a3b4c5d6e7');
    expect(row.name).toBe('NVIDIA H200');
    expect(parseNumber(row['memory.total'])).toBe(143771);
    expect(parseNumber(row['power.draw'])).toBe(612.44);
    expect(parseNumber(row['clocks_event_reasons.active'])).toBe(4);
    expect(row['fan.speed']).toBe('[N/A]');
    expect(parseNumber(row['fan.speed'])).toBeUndefined();
  });

  it('reads values that still carry units', () => {
    const lines = fx('query-gpu-h200x8-units.csv').trim().split('\n');
    const row = parseRow(lines[1]!, s.fields)!;
    expect(parseNumber(row['memory.used'])).toBe(131842);
    expect(parseNumber(row['power.draw'])).toBe(612.44);
    expect(parseNumber(row['utilization.gpu'])).toBe(97);
    expect(parseNumber(row['clocks.current.sm'])).toBe(1980);
  });

  it('reads plain decimals, hex masks and numbers with units alike; rejects what is not a number', () => {
    const cases: [string, number | undefined][] = [
      ['0', 0],
      ['97', 97],
      ['-12.5', -12.5],
      [' 612.44 ', 612.44],
      ['0x0000000000000004', 4],
      ['0x1F', 31],
      ['45 %', 45],
      ['143771 MiB', 143771],
      ['-', undefined],
      ['1.', undefined],
      ['.5', undefined],
      ['1.2.3', undefined],
      ['1e5', undefined],
      ['Infinity', undefined],
      ['12abc3', undefined],
    ];
    for (const [raw, want] of cases) expect(parseNumber(raw), raw).toBe(want);
  });

  it('treats every placeholder nvidia-smi prints as missing', () => {
    for (const v of ['[N/A]', 'N/A', '[Not Supported]', '[Unknown Error]', '[GPU is lost]', '']) {
      expect(isMissing(v)).toBe(true);
      expect(parseNumber(v)).toBeUndefined();
    }
    const t4 = selectGpuFields(parseHelpQuery(fx('help-query-gpu-470.txt')));
    const row = parseRow(fx('query-gpu-t4-470.csv').trim(), t4.fields)!;
    expect(row['ecc.errors.corrected.volatile.total']).toBe('[Not Supported]');
    expect(parseNumber(row['utilization.gpu'])).toBeUndefined();
    expect(parsePstate(row.pstate)).toBe(8);
  });

  it('rejects rows with the wrong number of cells and rejoins process names with ", "', () => {
    expect(parseRow('1, 2', ['a', 'b', 'c'])).toBeUndefined();
    const fields = ['gpu_uuid', 'pid', 'process_name', 'used_gpu_memory'];
    expect(parseRow('GPU-1, 42, my, odd, name, 1024', fields, 2)).toEqual({
      gpu_uuid: 'GPU-1',
      pid: '42',
      process_name: 'my, odd, name',
      used_gpu_memory: '1024',
    });
    const apps = fx('compute-apps-h200x8.csv').trim().split('\n');
    expect(apps.map((l) => parseRow(l, fields, 2)?.process_name)).toEqual([
      '/opt/venv/bin/python3',
      '/opt/venv/bin/python3',
      '/opt/venv/bin/python3',
      '/opt/venv/bin/python3',
      'tritonserver',
    ]);
  });
});

describe('errors and dmon', () => {
  it('recognises unknown-field and no-device messages', () => {
    expect(unknownFieldError('Field "cuda_version" is not a valid field to query.\n\n')).toBe(
      'cuda_version',
    );
    expect(unknownFieldError('all good')).toBeUndefined();
    expect(isNoDevices('No devices were found\n')).toBe(true);
  });

  it('parses dmon -s t rows and skips headers', () => {
    const rows = fx('dmon-t-h200x8.txt').split('\n').map(parseDmonThroughput).filter(Boolean);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual({ index: 0, rxMBps: 5210, txMBps: 4876 });
    expect(parseDmonThroughput('    3      -      - ')).toEqual({
      index: 3,
      rxMBps: undefined,
      txMBps: undefined,
    });
  });
});
