import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../metrics/model.js';
import { parseHelpQuery, parseRow } from '../parse/nvidia-smi.js';
import { selectGpuFields } from './fields.js';
import { type GpuReading, GpuState } from './gpu-state.js';
import { gpuMetrics } from './to-metrics.js';

const fx = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'parse', '__fixtures__', name), 'utf8');
const starts = { agentStartMs: 1_000, bootMs: 500 };

function stateFrom(help: string, csv: string, at = 10_000): GpuState {
  const sel = selectGpuFields(parseHelpQuery(fx(help)));
  const state = new GpuState(1000);
  for (const line of fx(csv).trim().split('\n')) {
    const row = parseRow(line, sel.fields)!;
    const reading: Record<string, string> = {};
    sel.keys.forEach((k, i) => {
      reading[k] = row[sel.fields[i]!]!;
    });
    state.updateGpu(reading as GpuReading, at);
  }
  return state;
}

const point = (ms: Metric[], name: string, attrs: Record<string, unknown>) => {
  const m = ms.find((x) => x.name === name);
  return m?.points.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v));
};

describe('gpuMetrics', () => {
  const ms = gpuMetrics(
    stateFrom('help-query-gpu-580.txt', 'query-gpu-h200x8.csv').snapshot(10_000),
    starts,
  );
  const gpu0 = { 'hw.id': 'GPU-8f00a1b2-c3d4-e5f6-0718-20a3b4c5d6e7' };

  it('names, instruments and units follow the OTel hardware conventions', () => {
    const shape = Object.fromEntries(
      ms.map((m) => [
        m.name,
        `${m.kind}${m.kind === 'sum' ? (m.monotonic ? '+' : '±') : ''} ${m.unit}`,
      ]),
    );
    expect(shape).toMatchObject({
      'hw.gpu.utilization': 'gauge 1',
      'hw.gpu.memory.usage': 'sum± By',
      'hw.gpu.memory.limit': 'sum± By',
      'hw.gpu.memory.utilization': 'gauge 1',
      'hw.temperature': 'gauge Cel',
      'hw.power': 'gauge W',
      'hw.energy': 'sum+ J',
      'hw.errors': 'sum+ {error}',
      'aiobs.gpu.clock.frequency': 'gauge Hz',
      'aiobs.gpu.power.limit': 'gauge W',
      'aiobs.gpu.throttle.active': 'gauge 1',
    });
  });

  it('converts percent to ratios, MiB to bytes and MHz to Hz', () => {
    expect(point(ms, 'hw.gpu.utilization', { ...gpu0, 'hw.gpu.task': 'general' })?.value).toBe(
      0.97,
    );
    expect(point(ms, 'hw.gpu.utilization', { ...gpu0, 'hw.gpu.task': 'decoder' })?.value).toBe(0);
    expect(point(ms, 'hw.gpu.memory.usage', gpu0)?.value).toBe(131842 * 1048576);
    expect(point(ms, 'hw.gpu.memory.limit', gpu0)?.value).toBe(143771 * 1048576);
    expect(point(ms, 'hw.gpu.memory.utilization', gpu0)?.value).toBe(131842 / 143771);
    expect(point(ms, 'aiobs.gpu.memory.controller.utilization', gpu0)?.value).toBe(0.62);
    expect(point(ms, 'hw.temperature', gpu0)?.value).toBe(71);
    expect(point(ms, 'aiobs.gpu.memory.temperature', gpu0)?.value).toBe(78);
    expect(point(ms, 'hw.power', gpu0)?.value).toBe(612.44);
    expect(
      point(ms, 'aiobs.gpu.clock.frequency', { ...gpu0, 'aiobs.gpu.clock.type': 'sm' })?.value,
    ).toBe(1980e6);
    expect(point(ms, 'aiobs.gpu.pcie.link.width', gpu0)?.value).toBe(16);
  });

  it('puts the identifying attributes on every GPU point', () => {
    for (const m of ms) {
      for (const p of m.points) {
        expect(p.attributes).toMatchObject({
          'hw.vendor': 'NVIDIA',
          'hw.model': 'NVIDIA H200',
          'hw.type': 'gpu',
        });
        expect(String(p.attributes['hw.id'])).toMatch(/^GPU-/);
        expect(String(p.attributes['hw.name'])).toMatch(/^GPU \d$/);
      }
    }
    expect(
      new Set(ms.find((m) => m.name === 'hw.power')!.points.map((p) => p.attributes['hw.id'])).size,
    ).toBe(8);
  });

  it('reports ECC errors as hw.errors with error.type, since boot', () => {
    const gpu6 = { 'hw.id': 'GPU-8f06a1b2-c3d4-e5f6-0718-26a3b4c5d6e7' };
    expect(point(ms, 'hw.errors', { ...gpu6, 'error.type': 'corrected' })?.value).toBe(12);
    expect(point(ms, 'hw.errors', { ...gpu6, 'error.type': 'uncorrected' })?.value).toBe(1);
    expect(ms.find((m) => m.name === 'hw.errors')).toMatchObject({ startTimeMs: 500 });
  });

  it('decodes the active throttle reasons among the supported ones', () => {
    const reasons = ms
      .find((m) => m.name === 'aiobs.gpu.throttle.active')!
      .points.filter((p) => p.attributes['hw.id'] === gpu0['hw.id']);
    expect(reasons).toHaveLength(9);
    expect(
      reasons.filter((p) => p.value === 1).map((p) => p.attributes['aiobs.gpu.throttle.reason']),
    ).toEqual(['sw_power_cap']);
  });

  it('leaves out what an older driver does not report', () => {
    const t4 = gpuMetrics(
      stateFrom('help-query-gpu-470.txt', 'query-gpu-t4-470.csv').snapshot(10_000),
      starts,
    );
    const names = t4.map((m) => m.name);
    expect(names).not.toContain('hw.power');
    expect(names).not.toContain('hw.energy');
    expect(names).not.toContain('hw.gpu.memory.usage');
    expect(names).not.toContain('aiobs.gpu.memory.temperature');
    expect(names).toContain('hw.gpu.memory.limit');
    expect(names).toContain('hw.temperature');
    const errors = t4.find((m) => m.name === 'hw.errors')!;
    expect(errors.points.map((p) => p.attributes['error.type'])).toEqual(['uncorrected']);
    expect(point(t4, 'aiobs.gpu.performance_state', {})?.value).toBe(8);
    const util = t4.find((m) => m.name === 'hw.gpu.utilization');
    expect(util).toBeUndefined();
  });

  it('reports per-process GPU memory with pid and executable name', () => {
    const state = stateFrom('help-query-gpu-580.txt', 'query-gpu-h200x8.csv');
    const fields = ['gpu_uuid', 'pid', 'process_name', 'used_gpu_memory'];
    for (const line of fx('compute-apps-h200x8.csv').trim().split('\n')) {
      state.updateApp(parseRow(line, fields, 2)!, 10_000);
    }
    const out = gpuMetrics(state.snapshot(10_000), starts);
    const procs = out.find((m) => m.name === 'aiobs.gpu.process.memory.usage')!;
    expect(procs.points).toHaveLength(5);
    expect(procs.points[0]!.attributes).toMatchObject({
      ...gpu0,
      'process.pid': 51001,
      'process.executable.name': 'python3',
      'process.executable.path': '/opt/venv/bin/python3',
    });
    expect(procs.points[0]!.value).toBe(131072 * 1048576);
    expect(procs.points[4]!.attributes['process.executable.name']).toBe('tritonserver');
    expect(procs.points[4]!.attributes['process.executable.path']).toBeUndefined();
  });
});
