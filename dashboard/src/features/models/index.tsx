import { Link } from '@tanstack/react-router';
import { Sparkline } from '../../components/charts/sparkline.js';
import { PageSkeleton } from '../../components/skeleton.js';
import { Empty, ErrorState, GetDataHint } from '../../components/states.js';
import { pricedCost } from '../../lib/cost.js';
import { formatMs, formatNumber, formatPercent, formatUsd } from '../../lib/format.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useModels } from '../overview/api.js';
import { useModelSparklines } from './api.js';
import { sparklineOf } from './prepare.js';

/** Every model seen in the range, with its figures and a requests sparkline. */
export function ModelsPage() {
  const models = useModels();
  const sparks = useModelSparklines();
  const search = useRangeSearch();
  return (
    <>
      <h1>Models</h1>
      {models.isPending ? (
        <PageSkeleton label="Loading models" stats={0} panels={0} wide={300} />
      ) : models.isError ? (
        <ErrorState error={models.error} retry={() => models.refetch()} />
      ) : models.data.models.length === 0 ? (
        <Empty title="No models in this range">
          <p>Pick a longer range in the time picker above, or send some:</p>
          <GetDataHint />
        </Empty>
      ) : (
        <table className="table" data-testid="models-table">
          <caption className="sr-only">Models in the range</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Versions</th>
              <th scope="col">Variants</th>
              <th scope="col" className="num">
                Requests
              </th>
              <th scope="col">Trend</th>
              <th scope="col" className="num">
                Error rate
              </th>
              <th scope="col" className="num">
                p95
              </th>
              <th scope="col" className="num">
                TTFT p95
              </th>
              <th scope="col" className="num">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {models.data.models.map((m) => (
              <tr key={m.model} data-model={m.model}>
                <td>
                  <Link to="/models/view" search={{ ...search, model: m.model }}>
                    {m.model}
                  </Link>
                  <div className="muted small">{m.providers.join(', ')}</div>
                </td>
                <td>{m.versions.join(', ') || '—'}</td>
                <td>{m.variants.join(', ') || '—'}</td>
                <td className="num" data-testid="requests">
                  {formatNumber(m.requests)}
                </td>
                <td>
                  <Sparkline
                    values={sparklineOf(sparks.data, m.model)}
                    label={`requests of ${m.model} over the range`}
                  />
                </td>
                <td className="num">{formatPercent(m.errorRate)}</td>
                <td className="num">{formatMs(m.latencyP95Ms)}</td>
                <td className="num">{formatMs(m.ttftP95Ms)}</td>
                <td className="num">{formatUsd(pricedCost(m))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
