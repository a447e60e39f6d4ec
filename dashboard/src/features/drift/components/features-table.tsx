import type { FeatureDriftResponse } from '@aiobs/api-types';
import { formatNumber } from '../../../lib/format.js';
import { describeScore, sortFeatures, verdictLabel } from '../prepare.js';

/** Props of {@link FeaturesTable}. */
export interface FeaturesTableProps {
  caption: string;
  features: FeatureDriftResponse[];
  kind: 'feature' | 'prediction';
  selected?: string;
  onSelect: (feature: string, kind: 'feature' | 'prediction') => void;
}

/** Features (or outputs) worst first with their counts, score and verdict; a name selects it. */
export function FeaturesTable({ caption, features, kind, selected, onSelect }: FeaturesTableProps) {
  return (
    <table className="table" data-testid={`drift-${kind}s`}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{kind === 'feature' ? 'Feature' : 'Output'}</th>
          <th scope="col">Type</th>
          <th scope="col" className="num">
            Reference
          </th>
          <th scope="col" className="num">
            Current
          </th>
          <th scope="col">Score</th>
          <th scope="col" className="num">
            PSI
          </th>
          <th scope="col">Verdict</th>
        </tr>
      </thead>
      <tbody>
        {sortFeatures(features).map((f) => (
          <tr key={`${f.feature}-${f.type}`} data-feature={f.feature}>
            <td>
              <button
                type="button"
                className="link-button"
                aria-pressed={selected === f.feature}
                onClick={() => onSelect(f.feature, kind)}
              >
                {f.feature}
              </button>
            </td>
            <td>{f.type}</td>
            <td className="num">{formatNumber(f.referenceCount)}</td>
            <td className="num">{formatNumber(f.currentCount)}</td>
            <td>{describeScore(f)}</td>
            <td className="num">{f.psi === null ? '—' : f.psi.toFixed(3)}</td>
            <td>
              <span className={`badge verdict-badge verdict-${f.verdict}`} data-testid="verdict">
                {verdictLabel(f.verdict)}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
