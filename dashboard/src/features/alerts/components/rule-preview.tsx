import { Empty, ErrorState, Loading } from '../../../components/states.js';
import { ApiError } from '../../../lib/api-client.js';
import { resolveRange } from '../../../lib/time-range.js';
import { useRangeSearch } from '../../../lib/use-range.js';
import { usePreview } from '../api.js';
import { previewBlocker, previewGuides, previewSummary, replayBody } from '../prepare.js';
import { durationMs } from '../rule-draft.js';
import { PreviewChart } from './preview-chart.js';

/** Props of {@link RulePreview}. */
export interface RulePreviewProps {
  /** The rule body to replay; undefined while the draft is not ready. */
  body: Record<string, unknown> | undefined;
  /** Labels of the fields the preview waits for (empty or wrong). */
  waitingFor: string[];
  /** The signal's kind (what the chart draws besides the signal) and its unit. */
  kind: string;
  unit: string;
}

/**
 * A rule replayed over the range on screen (`POST /api/v1/alert-rules/preview`): the signal,
 * its threshold, band or firing level, and where it would have fired. When the collector
 * cannot replay it (an anomaly band at too fine a step, a draft it refuses), it says why here.
 */
export function RulePreview({ body, waitingFor, kind, unit }: RulePreviewProps) {
  const search = useRangeSearch();
  const range = resolveRange(search.from, search.to, Date.now());
  const intervalMs = durationMs(String(body?.interval ?? '30s')) ?? 30_000;
  const blocker = body ? previewBlocker(body, range.toMs - range.fromMs, intervalMs) : undefined;
  const preview = usePreview(body && !blocker ? replayBody(body) : undefined);
  if (!body)
    return (
      <Empty title="Preview">
        <p data-testid="preview-waiting">
          Fill in {waitingFor.join(', ')} to see where this rule would have fired over the range on
          screen.
        </p>
      </Empty>
    );
  if (blocker)
    return (
      <Empty title="Preview not available">
        <p data-testid="preview-unavailable">{blocker}</p>
      </Empty>
    );
  if (preview.isPending) return <Loading label="Replaying the draft" />;
  if (preview.isError)
    return preview.error instanceof ApiError && preview.error.status === 400 ? (
      <Empty title="Preview not available">
        <p data-testid="preview-unavailable">
          The collector cannot replay this draft: {preview.error.message}
        </p>
      </Empty>
    ) : (
      <ErrorState error={preview.error} retry={() => preview.refetch()} />
    );
  return (
    <>
      <p className="muted" data-testid="preview-summary" aria-live="polite">
        {previewSummary(preview.data)}
      </p>
      <PreviewChart res={preview.data} unit={unit} guides={previewGuides(preview.data, kind)} />
    </>
  );
}
