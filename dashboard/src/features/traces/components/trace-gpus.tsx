import type { ModelGpuResponse, TraceSpan } from '@aiobs/api-types';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ChartRow } from '../../../components/charts/time-series-chart.js';
import { TimeSeriesChart } from '../../../components/charts/time-series-chart.js';
import { Empty, ErrorState, Loading } from '../../../components/states.js';
import { ApiError } from '../../../lib/api-client.js';
import { formatBytes, formatPercent } from '../../../lib/format.js';
import { agentInstallCommand, gpusAt } from '../prepare.js';

function utilizationRows(res: ModelGpuResponse): { rows: ChartRow[]; lines: string[] } {
  const lines = res.gpus.map((g) => `${g.host} ${g.gpuName || g.gpu}`);
  const byTime = new Map<number, ChartRow>();
  res.gpus.forEach((g, i) => {
    for (const p of g.points) {
      const t = Date.parse(p.time);
      const row = byTime.get(t) ?? ({ t } as ChartRow);
      row[lines[i]!] = p.gpuUtilization;
      byTime.set(t, row);
    }
  });
  return { rows: [...byTime.values()].sort((a, b) => a.t - b.t), lines };
}

/**
 * The GPUs of the host that served an inference span, at the minute it ran and around it:
 * is the latency the model's or a saturated, hot or throttled GPU?
 */
export function TraceGpus({
  span,
  query,
}: {
  span: TraceSpan;
  query: UseQueryResult<ModelGpuResponse>;
}) {
  if (query.isPending) return <Loading label="Loading GPUs" height={120} />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404)
      return (
        <Empty title="No inference rows for this trace yet">
          <p>Inference spans are indexed a few seconds after they arrive; try again shortly.</p>
        </Empty>
      );
    return <ErrorState error={query.error} retry={() => query.refetch()} />;
  }
  const res = query.data;
  const at = Date.parse(span.startTime);
  const now = gpusAt(res, at);
  const host =
    res.trace?.find((t) => t.spanId === span.spanId)?.host ||
    span.resourceAttributes['k8s.node.name'] ||
    span.resourceAttributes['host.name'] ||
    '';
  if (res.gpus.length === 0)
    return (
      <Empty title={host ? `No GPU metrics from ${host}` : 'The span names no host'}>
        {host ? (
          <>
            <p>
              Install the agent on that host as a service (the ingest key in{' '}
              <code>./ingest.key</code>; create one under Settings → Keys):
            </p>
            <pre>
              <code data-testid="agent-command">{agentInstallCommand(window.location.origin)}</code>
            </pre>
          </>
        ) : (
          <p>
            Set host.name (or k8s.node.name, K8S_NODE_NAME for the SDK) on the app’s resource so
            inferences can be joined with the GPUs of their host.
          </p>
        )}
      </Empty>
    );
  const { rows, lines } = utilizationRows(res);
  return (
    <>
      <p className="muted">
        Host {res.hosts.join(', ')}, minute of {new Date(at).toISOString().slice(11, 16)} UTC
      </p>
      {now.length === 0 ? (
        <p className="muted">No GPU sample in that minute.</p>
      ) : (
        <table className="table" data-testid="trace-gpus">
          <caption className="sr-only">GPUs of the host at the time of the span</caption>
          <thead>
            <tr>
              <th scope="col">GPU</th>
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
              <th scope="col" className="num">
                Throttled
              </th>
            </tr>
          </thead>
          <tbody>
            {now.map((g) => (
              <tr key={`${g.host}-${g.gpu}`} data-gpu={g.gpu}>
                <td>
                  {g.host} {g.gpuName || g.gpu}
                </td>
                <td className="num" data-testid="gpu-util">
                  {formatPercent(g.gpuUtilization)}
                </td>
                <td className="num">{formatBytes(g.gpuMemoryUsageBytes)}</td>
                <td className="num">
                  {g.gpuTemperatureC === null ? '—' : `${Math.round(g.gpuTemperatureC)} °C`}
                </td>
                <td className="num">
                  {g.gpuPowerW === null ? '—' : `${Math.round(g.gpuPowerW)} W`}
                </td>
                <td className="num">{formatPercent(g.gpuThrottled)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TimeSeriesChart
        rows={rows}
        lines={lines}
        unit="GPU utilization (%)"
        format={formatPercent}
        fromMs={Date.parse(res.from)}
        toMs={Date.parse(res.to)}
        annotations={[{ t: at, marker: '▼', label: `${span.name} started` }]}
        height={180}
      />
    </>
  );
}
