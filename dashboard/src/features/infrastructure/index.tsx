import { useNavigate } from '@tanstack/react-router';
import { PageSkeleton } from '../../components/skeleton.js';
import { Stat } from '../../components/stat.js';
import { Empty, ErrorState, Loading, Panel } from '../../components/states.js';
import { formatBytes, formatPercent } from '../../lib/format.js';
import { resolveRange } from '../../lib/time-range.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useModelDimensions } from '../overview/api.js';
import { useGpuSeries, useGpus, useHosts, useModelGpu } from './api.js';
import { CollectorHealthSection } from './components/collector-health-panel.js';
import { FleetTables } from './components/fleet-tables.js';
import { GpuPanel } from './components/gpu-panel.js';
import { HeatMap } from './components/heat-map.js';
import { OverlayChart } from './components/overlay-chart.js';
import { heatMap, latestValue, overlayRows } from './prepare.js';

/** The page's own URL params: a host filter, a selected GPU (`hw.id`), a model to overlay. */
export interface InfraSearch {
  host?: string;
  gpu?: string;
  model?: string;
}

const AGENT =
  'sudo npm install -g @aiobs/agent && sudo aiobs-agent install --collector <collector URL> --api-key-file ./ingest.key --enable';
const GiB = 1024 ** 3;

/** A Pearson coefficient with two decimals (no "-0.00"), or a dash without one. */
function formatCorrelation(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '—';
  const s = r.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

/** Hosts and GPUs: latest state, a fleet heat map, each GPU figure over time, a model overlaid. */
export function InfrastructurePage({ host, gpu, model }: InfraSearch) {
  const navigate = useNavigate();
  const search = useRangeSearch();
  const range = resolveRange(search.from, search.to, Date.now());
  const hosts = useHosts();
  const gpus = useGpus(host);
  const filter = { host, gpu };
  const util = useGpuSeries('hw.gpu.utilization', { host });
  const utilOne = useGpuSeries('hw.gpu.utilization', filter);
  const mem = useGpuSeries('hw.gpu.memory.usage', filter);
  const temp = useGpuSeries('hw.temperature', filter);
  const power = useGpuSeries('hw.power', filter);
  const throttle = useGpuSeries('aiobs.gpu.throttle.active', filter);
  const models = useModelDimensions();
  const overlay = useModelGpu(model);
  const set = (patch: InfraSearch) =>
    navigate({
      to: '/infrastructure',
      search: {
        from: search.from,
        to: search.to,
        refresh: search.refresh,
        host,
        gpu,
        model,
        ...patch,
      },
    });

  const heading = <h1>Infrastructure</h1>;
  if (hosts.isPending || gpus.isPending)
    return (
      <>
        {heading}
        <PageSkeleton label="Loading hosts and GPUs" stats={4} wide={240} panels={2} />
      </>
    );
  if (hosts.isError)
    return (
      <>
        {heading}
        <ErrorState error={hosts.error} retry={() => hosts.refetch()} />
      </>
    );
  if (gpus.isError)
    return (
      <>
        {heading}
        <ErrorState error={gpus.error} retry={() => gpus.refetch()} />
      </>
    );
  if (hosts.data.hosts.length === 0 && gpus.data.gpus.length === 0)
    return (
      <>
        {heading}
        <Empty title="No host reported in this range">
          <p>Pick a longer range, or run the agent on each inference host:</p>
          <pre>
            <code>{AGENT}</code>
          </pre>
          <p>
            It sends host and GPU metrics (through nvidia-smi) every 10 s. Any OTLP sender with a
            host.name resource and system.* or hw.* metrics works too.
          </p>
        </Empty>
        <CollectorHealthSection />
      </>
    );
  const gs = gpus.data.gpus;
  const utils = gs
    .map((g) => latestValue(g.metrics, 'hw.gpu.utilization'))
    .filter((v) => v !== undefined);
  const temps = gs
    .map((g) => latestValue(g.metrics, 'hw.temperature'))
    .filter((v) => v !== undefined);
  const selectedKey = gpu ? gs.find((g) => g.id === gpu) : undefined;
  const modelNames = models.data?.models.map((m) => m.model) ?? [];
  return (
    <>
      {heading}
      <div className="toolbar">
        <label>
          Host{' '}
          <select
            value={host ?? ''}
            onChange={(e) => set({ host: e.target.value || undefined, gpu: undefined })}
          >
            <option value="">all hosts</option>
            {hosts.data.hosts.map((h) => (
              <option key={h.hostName} value={h.hostName}>
                {h.hostName}
              </option>
            ))}
          </select>
        </label>
        {gpu && (
          <span>
            Charts show {selectedKey ? `${selectedKey.hostName} ${selectedKey.name}` : gpu}{' '}
            <button type="button" onClick={() => set({ gpu: undefined })}>
              Show all GPUs
            </button>
          </span>
        )}
      </div>
      <div className="stats">
        <Stat label="Hosts" value={String(hosts.data.hosts.length)} testId="host-count" />
        <Stat label="GPUs" value={String(gs.length)} testId="gpu-count" />
        <Stat
          label="Mean GPU utilization"
          value={formatPercent(
            utils.length ? utils.reduce((a, b) => a + b, 0) / utils.length : null,
          )}
          testId="mean-util"
        />
        <Stat
          label="Hottest GPU"
          value={temps.length ? `${Math.round(Math.max(...temps))} °C` : '—'}
          testId="max-temp"
        />
      </div>
      <FleetTables
        hosts={hosts.data.hosts}
        gpus={gs}
        onSelectGpu={(id) => set({ gpu: id })}
        selected={gpu}
      />
      <Panel title="Fleet utilization (GPU × time)" wide>
        {util.isPending ? (
          <Loading />
        ) : util.isError ? (
          <ErrorState error={util.error} retry={() => util.refetch()} />
        ) : util.data.series.length === 0 ? (
          <Empty title="No GPU utilization in this range">
            <p>The agent reports hw.gpu.utilization on hosts where nvidia-smi works.</p>
          </Empty>
        ) : (
          <HeatMap
            data={heatMap(util.data.series, range.fromMs, range.toMs, util.data.stepMs)}
            selected={gpu ? `${selectedKey?.hostName}\u0000${gpu}` : undefined}
            onSelect={(key) => set({ gpu: key.split('\u0000')[1] })}
          />
        )}
      </Panel>
      <div className="grid">
        <GpuPanel
          title="GPU utilization"
          query={utilOne}
          unit="utilization (%)"
          yDomain={[0, 1]}
          format={formatPercent}
          fromMs={range.fromMs}
          toMs={range.toMs}
          emptyHint="No hw.gpu.utilization samples."
        />
        <GpuPanel
          title="GPU memory used"
          defer
          query={mem}
          unit="memory (GiB)"
          format={(v) => formatBytes(v * GiB)}
          scale={(v) => v / GiB}
          fromMs={range.fromMs}
          toMs={range.toMs}
          emptyHint="No hw.gpu.memory.usage samples."
        />
        <GpuPanel
          title="Temperature"
          defer
          query={temp}
          unit="temperature (°C)"
          format={(v) => `${Math.round(v)} °C`}
          fromMs={range.fromMs}
          toMs={range.toMs}
          emptyHint="No hw.temperature samples."
        />
        <GpuPanel
          title="Power"
          defer
          query={power}
          unit="power (W)"
          format={(v) => `${Math.round(v)} W`}
          fromMs={range.fromMs}
          toMs={range.toMs}
          emptyHint="No hw.power samples."
        />
        <GpuPanel
          title="Throttling"
          defer
          query={throttle}
          unit="time throttled (%)"
          yDomain={[0, 1]}
          format={formatPercent}
          fromMs={range.fromMs}
          toMs={range.toMs}
          emptyHint="No throttle reasons reported (aiobs.gpu.throttle.active): nvidia-smi on this GPU may not expose them."
        />
      </div>
      <Panel title="A model’s latency on the same time axis" wide>
        <div className="toolbar">
          <label>
            Model{' '}
            <select
              value={model ?? ''}
              onChange={(e) => set({ model: e.target.value || undefined })}
            >
              <option value="">pick a model</option>
              {[...new Set([...modelNames, ...(model ? [model] : [])])].map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          {overlay.data && (
            <span className="muted" data-testid="overlay-hosts">
              served by {overlay.data.hosts.join(', ') || 'no known host'}; correlation of p95 with
              GPU utilization:{' '}
              {formatCorrelation(overlay.data.correlation.latencyP95Ms.gpuUtilization)}
            </span>
          )}
        </div>
        {!model ? (
          <Empty title="Pick a model">
            <p>
              Its p95 latency and the mean utilization of the GPUs of the hosts that served it,
              minute by minute.
            </p>
          </Empty>
        ) : overlay.isPending ? (
          <Loading />
        ) : overlay.isError ? (
          <ErrorState error={overlay.error} retry={() => overlay.refetch()} />
        ) : overlay.data.hosts.length === 0 ? (
          <Empty title={`No host known for ${model}`}>
            <p>
              Set host.name (or K8S_NODE_NAME for the SDK) on the app’s resource so its inferences
              join their GPUs.
            </p>
          </Empty>
        ) : (
          <OverlayChart
            rows={overlayRows(overlay.data)}
            fromMs={Date.parse(overlay.data.from)}
            toMs={Date.parse(overlay.data.to)}
          />
        )}
      </Panel>
      <CollectorHealthSection />
    </>
  );
}
