import { describe, expect, it } from 'vitest';
import { GpuState } from './gpu-state.js';

const gpu = (uuid: string, index: string, powerDraw?: string) => ({
  uuid,
  index,
  name: 'NVIDIA H200',
  ...(powerDraw === undefined ? {} : { powerDraw }),
});

describe('GpuState', () => {
  it('integrates energy from power samples with the trapezoid rule', () => {
    const s = new GpuState(1000);
    s.updateGpu(gpu('GPU-a', '0', '100'), 0);
    s.updateGpu(gpu('GPU-a', '0', '200'), 1000);
    s.updateGpu(gpu('GPU-a', '0', '200'), 3000);
    expect(s.snapshot(3000).gpus[0]!.energyJ).toBe(150 + 400);
  });

  it('does not integrate across a gap of more than five intervals', () => {
    const s = new GpuState(1000);
    s.updateGpu(gpu('GPU-a', '0', '100'), 0);
    s.updateGpu(gpu('GPU-a', '0', '100'), 10_000);
    s.updateGpu(gpu('GPU-a', '0', '100'), 11_000);
    expect(s.snapshot(11_000).gpus[0]!.energyJ).toBe(100);
  });

  it('leaves energy undefined without power readings and drops stale GPUs', () => {
    const s = new GpuState(1000, 3000);
    s.updateGpu(gpu('GPU-a', '0'), 0);
    s.updateGpu(gpu('GPU-b', '1', '50'), 2500);
    const snap = s.snapshot(2900);
    expect(snap.gpus.map((g) => g.reading.uuid)).toEqual(['GPU-a', 'GPU-b']);
    expect(snap.gpus[0]!.energyJ).toBeUndefined();
    expect(s.snapshot(3500).gpus.map((g) => g.reading.uuid)).toEqual(['GPU-b']);
    expect(s.snapshot(3001 + 2500).gpus.map((g) => g.reading.uuid)).toEqual([]);
  });

  it('keeps processes seen within 1.5 intervals', () => {
    const s = new GpuState(2000);
    s.updateGpu(gpu('GPU-a', '0'), 0);
    s.updateApp({ gpu_uuid: 'GPU-a', pid: '42', process_name: 'python', used_gpu_memory: '10' }, 0);
    s.updateApp(
      { gpu_uuid: 'GPU-a', pid: '43', process_name: 'python', used_gpu_memory: '[N/A]' },
      2000,
    );
    expect(s.snapshot(2500).apps.map((a) => [a.pid, a.usedMiB])).toEqual([
      [42, 10],
      [43, undefined],
    ]);
    expect(s.snapshot(3500).apps.map((a) => a.pid)).toEqual([43]);
  });

  it('attaches PCIe throughput by GPU index', () => {
    const s = new GpuState(1000);
    s.updateGpu(gpu('GPU-a', '0'), 0);
    s.updateGpu(gpu('GPU-b', '1'), 0);
    s.updatePcie({ index: 1, rxMBps: 10, txMBps: 20 }, 0);
    s.updatePcie({ index: 7, rxMBps: 1, txMBps: 1 }, 0);
    const snap = s.snapshot(100);
    expect(snap.gpus[0]!.pcie).toBeUndefined();
    expect(snap.gpus[1]!.pcie).toEqual({ rxMBps: 10, txMBps: 20 });
  });
});
