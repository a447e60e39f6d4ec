import type { GpuSummary, HostSummary } from '@aiobs/api-types';
import { Empty, Panel } from '../../../components/states.js';
import { formatBytes, formatPercent } from '../../../lib/format.js';
import { isThrottled, latestValue, processMemory } from '../prepare.js';

const ago = (iso: string) => {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
};
const celsius = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} °C`);
const watts = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} W`);

/** Props of {@link FleetTables}. */
export interface FleetTablesProps {
  hosts: HostSummary[];
  gpus: GpuSummary[];
  selected?: string;
  onSelectGpu: (id: string) => void;
}

/** The latest state of each host, each GPU, and which processes hold GPU memory. */
export function FleetTables({ hosts, gpus, selected, onSelectGpu }: FleetTablesProps) {
  const procs = processMemory(gpus);
  return (
    <div className="grid">
      <Panel title="Hosts">
        <table className="table" data-testid="hosts-table">
          <caption className="sr-only">Hosts and their latest figures</caption>
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col" className="num">
                GPUs
              </th>
              <th scope="col" className="num">
                CPU
              </th>
              <th scope="col" className="num">
                Memory used
              </th>
              <th scope="col">Last report</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((h) => (
              <tr key={h.hostName} data-host={h.hostName}>
                <td>{h.hostName}</td>
                <td className="num">{h.gpuCount}</td>
                <td className="num">
                  {formatPercent(latestValue(h.metrics, 'system.cpu.utilization'))}
                </td>
                <td className="num">
                  {formatBytes(
                    latestValue(h.metrics, 'system.memory.usage', ['system.memory.state', 'used']),
                  )}
                </td>
                <td>{ago(h.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel title="GPU memory by process">
        {procs.length === 0 ? (
          <Empty title="No per-process GPU memory reported">
            <p>
              The agent reports it (aiobs.gpu.process.memory.usage) where nvidia-smi lists compute
              apps.
            </p>
          </Empty>
        ) : (
          <table className="table" data-testid="process-table">
            <caption className="sr-only">GPU memory held by each process</caption>
            <thead>
              <tr>
                <th scope="col">GPU</th>
                <th scope="col">Process</th>
                <th scope="col" className="num">
                  PID
                </th>
                <th scope="col" className="num">
                  Memory
                </th>
              </tr>
            </thead>
            <tbody>
              {procs.map((p) => (
                <tr key={`${p.gpu}-${p.pid}`}>
                  <td>{p.gpu}</td>
                  <td>{p.name || '—'}</td>
                  <td className="num">{p.pid}</td>
                  <td className="num">{formatBytes(p.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="GPUs (latest sample)" wide>
        <table className="table" data-testid="gpus-table">
          <caption className="sr-only">
            Each GPU's latest figures; select one to chart it alone
          </caption>
          <thead>
            <tr>
              <th scope="col">GPU</th>
              <th scope="col">Model</th>
              <th scope="col" className="num">
                Utilization
              </th>
              <th scope="col" className="num">
                Memory
              </th>
              <th scope="col" className="num">
                Temperature
              </th>
              <th scope="col" className="num">
                Power
              </th>
              <th scope="col">Throttling</th>
              <th scope="col">Last sample</th>
            </tr>
          </thead>
          <tbody>
            {gpus.map((g) => {
              const throttled = isThrottled(g.metrics);
              return (
                <tr key={`${g.hostName}-${g.id}`} data-gpu={g.id}>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      aria-pressed={selected === g.id}
                      onClick={() => onSelectGpu(g.id)}
                      title={g.id}
                    >
                      {g.hostName} {g.name || g.id}
                    </button>
                  </td>
                  <td>{g.model || g.vendor || '—'}</td>
                  <td className="num" data-testid="gpu-util">
                    {formatPercent(latestValue(g.metrics, 'hw.gpu.utilization'))}
                  </td>
                  <td className="num">
                    {formatBytes(latestValue(g.metrics, 'hw.gpu.memory.usage'))}
                  </td>
                  <td className="num" data-testid="gpu-temp">
                    {celsius(latestValue(g.metrics, 'hw.temperature'))}
                  </td>
                  <td className="num">{watts(latestValue(g.metrics, 'hw.power'))}</td>
                  <td>
                    {throttled.length > 0 ? (
                      <span className="badge badge-error">{throttled.join(', ')}</span>
                    ) : (
                      'none'
                    )}
                  </td>
                  <td>{ago(g.lastSeen)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
