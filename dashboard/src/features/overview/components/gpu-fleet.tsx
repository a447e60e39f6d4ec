import type { GpusResponse, HostsResponse } from '@aiobs/api-types';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Stat, StatParts } from '../../../components/stat.js';
import { Empty, ErrorState, Loading, Panel } from '../../../components/states.js';
import { formatBytes, formatPercent } from '../../../lib/format.js';
import { useRangeSearch } from '../../../lib/use-range.js';
import { fleetSummary } from '../prepare.js';

/** The agent's install command, as the Infrastructure page gives it. */
const AGENT =
  'sudo npm install -g @aiobs/agent && sudo aiobs-agent install --collector <collector URL> --api-key-file ./ingest.key --enable';

/** The GPU fleet in figures (latest sample of each GPU in the range), or how to get one. */
export function GpuFleet({
  gpus,
  hosts,
}: {
  gpus: UseQueryResult<GpusResponse>;
  hosts: UseQueryResult<HostsResponse>;
}) {
  const search = useRangeSearch();
  let body: React.ReactNode;
  if (gpus.isPending || hosts.isPending) body = <Loading label="Loading GPUs" height={120} />;
  else if (gpus.isError) body = <ErrorState error={gpus.error} retry={() => gpus.refetch()} />;
  else if (hosts.isError) body = <ErrorState error={hosts.error} retry={() => hosts.refetch()} />;
  else if (gpus.data.gpus.length === 0)
    body = (
      <Empty
        title={
          hosts.data.hosts.length === 0
            ? 'No host reported in this range'
            : `${hosts.data.hosts.length} host(s) reported, none with a GPU`
        }
      >
        <p>Run the agent on each inference host; it reads GPUs through nvidia-smi:</p>
        <pre>
          <code>{AGENT}</code>
        </pre>
      </Empty>
    );
  else {
    const f = fleetSummary(gpus.data.gpus, hosts.data.hosts);
    body = (
      <>
        <div className="stats" data-testid="gpu-fleet">
          <Stat label="Hosts" value={String(f.hosts)} testId="fleet-hosts" />
          <Stat label="GPUs" value={String(f.gpus)} testId="fleet-gpus" />
          <Stat
            label="Utilization"
            value={
              <StatParts
                parts={[
                  ['mean', formatPercent(f.meanUtilization)],
                  ['max', formatPercent(f.maxUtilization)],
                ]}
              />
            }
            testId="fleet-util"
          />
          <Stat
            label="GPU memory used"
            value={formatBytes(f.memoryUsedBytes)}
            hint={f.memoryLimitBytes === null ? undefined : `of ${formatBytes(f.memoryLimitBytes)}`}
            testId="fleet-memory"
          />
          <Stat
            label="Hottest GPU"
            value={f.hottest ? `${Math.round(f.hottest.temperatureC)} °C` : '—'}
            hint={f.hottest?.label}
            testId="fleet-hottest"
          />
          <Stat label="Throttling" value={String(f.throttling)} testId="fleet-throttling" />
        </div>
        <p className="muted">
          <Link to="/infrastructure" search={search}>
            Each GPU over time on Infrastructure →
          </Link>
        </p>
      </>
    );
  }
  return <Panel title="GPU fleet">{body}</Panel>;
}
