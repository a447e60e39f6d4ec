import { useNavigate } from '@tanstack/react-router';
import { PageSkeleton } from '../../components/skeleton.js';
import { Stat } from '../../components/stat.js';
import { Empty, ErrorState, GetDataHint, Loading, Panel } from '../../components/states.js';
import { resolveRange } from '../../lib/time-range.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { useModelDimensions } from '../overview/api.js';
import {
  useBaselineMutations,
  useBaselines,
  useDrift,
  useDriftHistogram,
  useDriftSeries,
} from './api.js';
import { BaselinesPanel } from './components/baselines-panel.js';
import { FeaturesTable } from './components/features-table.js';
import { OverlayHistogram } from './components/overlay-histogram.js';
import { ScoreChart } from './components/score-chart.js';
import { driftModelNames, histogramBars, pickBaseline, previousWindowLabel } from './prepare.js';

/** The page's own URL params. */
export interface DriftSearch {
  model?: string;
  baseline?: string;
  feature?: string;
  kind?: 'feature' | 'prediction';
}

const FEATURES_HINT =
  'Drift reads aiobs.feature.<name> attributes (and aiobs.prediction.value|label|score) on inference spans: the SDK’s inference() helper sets them from features: {...}.';

/** Per model: each feature's drift and verdict, its score over time, its distributions, baselines. */
export function DriftPage({
  model: requested,
  baseline: wanted,
  feature,
  kind = 'feature',
}: DriftSearch) {
  const navigate = useNavigate();
  const search = useRangeSearch();
  const range = resolveRange(search.from, search.to, Date.now());
  const models = useModelDimensions();
  const baselines = useBaselines();
  const all = baselines.data?.baselines ?? [];
  const names = models.data && baselines.data ? driftModelNames(models.data, baselines.data) : [];
  // The default model is the first of the models list: picked before both lists answer it
  // would start drift calls only to drop them.
  const model = requested ?? names[0];
  const ref = model ? pickBaseline(all, model, wanted) : undefined;
  // Without a baseline, every panel compares with the window just before the range.
  const drift = useDrift(model, ref?.id, !baselines.isPending);
  const series = useDriftSeries(model ?? '', ref?.id, !baselines.isPending);
  const histogram = useDriftHistogram(model ?? '', ref?.id, feature, kind, !baselines.isPending);
  const mutations = useBaselineMutations();
  const set = (patch: DriftSearch, zoom?: { from: string; to: string }) => {
    const next = { model, baseline: ref?.id, feature, kind, ...patch };
    return navigate({
      to: '/drift',
      search: {
        from: zoom?.from ?? search.from,
        to: zoom?.to ?? search.to,
        refresh: search.refresh,
        ...next,
        kind: next.kind === 'prediction' ? 'prediction' : undefined,
      },
    });
  };

  const heading = <h1>Drift</h1>;
  if (models.isPending || baselines.isPending)
    return (
      <>
        {heading}
        <PageSkeleton label="Loading models" stats={0} wide={200} panels={2} />
      </>
    );
  if (models.isError)
    return (
      <>
        {heading}
        <ErrorState error={models.error} retry={() => models.refetch()} />
      </>
    );
  if (baselines.isError)
    return (
      <>
        {heading}
        <ErrorState error={baselines.error} retry={() => baselines.refetch()} />
      </>
    );
  if (!model)
    return (
      <>
        {heading}
        <Empty title="No models in this range">
          <p>{FEATURES_HINT}</p>
          <GetDataHint />
        </Empty>
      </>
    );
  const against = (
    <p className="muted" data-testid="panel-reference">
      {ref
        ? `Against the baseline “${ref.name}”.`
        : `Against ${previousWindowLabel(range.fromMs, range.toMs)} (no baseline yet).`}
    </p>
  );
  const d = drift.data;
  const counts = d ? [...d.features, ...d.predictions] : [];
  const versions = models.data.models.find((m) => m.model === model)?.versions ?? [];
  return (
    <>
      {heading}
      <div className="toolbar">
        <label>
          Model{' '}
          <select
            value={model}
            onChange={(e) =>
              set({ model: e.target.value, baseline: undefined, feature: undefined })
            }
          >
            {[...new Set([...names, model])].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="drift-reference">
          Reference:{' '}
          {ref
            ? `baseline “${ref.name}”${ref.isDefault ? ' (default)' : ''}`
            : 'the window just before this range (no baseline yet)'}
        </span>
      </div>
      {drift.isPending ? (
        <Loading label="Computing drift" height={200} />
      ) : drift.isError ? (
        <ErrorState error={drift.error} retry={() => drift.refetch()} />
      ) : counts.length === 0 ? (
        <Empty title={`No feature values of ${model} in the range or the reference`}>
          <p>{FEATURES_HINT}</p>
        </Empty>
      ) : (
        <>
          <div className="stats">
            <Stat
              label="Features drifting"
              value={String(counts.filter((f) => f.verdict === 'drift').length)}
              testId="drifting"
            />
            <Stat
              label="Moderate"
              value={String(counts.filter((f) => f.verdict === 'moderate').length)}
            />
            <Stat
              label="Stable"
              value={String(counts.filter((f) => f.verdict === 'no_drift').length)}
            />
            <Stat
              label="Too few values"
              value={String(counts.filter((f) => f.verdict === 'insufficient_data').length)}
              hint={`fewer than ${d!.minSamples} on a side`}
            />
          </div>
          <Panel title="Features" wide>
            <FeaturesTable
              caption={`Drift of each input feature of ${model}`}
              features={d!.features}
              kind="feature"
              selected={kind === 'feature' ? feature : undefined}
              onSelect={(f, k) => set({ feature: f, kind: k === 'prediction' ? k : undefined })}
            />
          </Panel>
          {d!.predictions.length > 0 && (
            <Panel title="Outputs" wide>
              <FeaturesTable
                caption={`Drift of the outputs of ${model}`}
                features={d!.predictions}
                kind="prediction"
                selected={kind === 'prediction' ? feature : undefined}
                onSelect={(f, k) => set({ feature: f, kind: k })}
              />
            </Panel>
          )}
        </>
      )}
      <div className="grid">
        <Panel title="PSI over time (≥ 0.2 drift, ≥ 0.1 moderate)">
          {against}
          {series.isPending ? (
            <Loading />
          ) : series.isError ? (
            <ErrorState error={series.error} retry={() => series.refetch()} />
          ) : series.data.series.length === 0 ? (
            <Empty title="No windows with values in this range" />
          ) : (
            <ScoreChart
              data={series.data}
              selected={feature ? { feature, kind } : undefined}
              fromMs={range.fromMs}
              toMs={range.toMs}
              onZoom={(a, b) =>
                set({}, { from: new Date(a).toISOString(), to: new Date(b).toISOString() })
              }
              onShowAll={() => set({ feature: undefined, kind: undefined })}
            />
          )}
        </Panel>
        <Panel
          title={
            feature
              ? `${feature}: reference vs current (reference deciles or categories)`
              : 'Reference vs current'
          }
        >
          {against}
          {!feature ? (
            <Empty title="Pick a feature">
              <p>Select a feature’s name in the table to overlay its distributions.</p>
            </Empty>
          ) : histogram.isPending ? (
            <Loading />
          ) : histogram.isError ? (
            <ErrorState error={histogram.error} retry={() => histogram.refetch()} />
          ) : (
            <OverlayHistogram bars={histogramBars(histogram.data)} unit="share (%)" />
          )}
        </Panel>
      </div>
      <BaselinesPanel
        key={model}
        baselines={all}
        model={model}
        versions={versions}
        range={{ from: range.from, to: range.to }}
        selected={ref?.id}
        mutations={mutations}
        onUse={(id) => set({ baseline: id })}
      />
    </>
  );
}
