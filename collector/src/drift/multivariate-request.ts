import type { MultivariateDrift } from '../api/types.js';
import { MAX_TIME_MS } from '../query/params.js';
import type { Baseline } from './baselines-repo.js';
import { type JointRow, MAX_JOINT_ROWS, multivariateDrift } from './multivariate.js';
import type { DriftRepo, DriftRequest } from './repo.js';
import type { SideFilter } from './sql.js';

/**
 * Reference samples already read, by project, model and reference: a job run or a series
 * scores many windows against one reference and reads its sample once.
 */
export type ReferenceCache = Map<string, Promise<JointRow[]>>;

/** Why an uploaded baseline has no multivariate score. */
export const NO_JOINT_REFERENCE =
  'an uploaded baseline keeps each column apart, not whole rows: it has no joint distribution to compare with';

/**
 * The multivariate score of one drift request (multivariate.ts over sampled joint rows).
 * A stored baseline's copy keeps each feature's values apart, without the inference they
 * came from, so the joint reference is read from the baseline's source rows (its version,
 * or its time range) while they are kept; an uploaded sample has no source rows and gets
 * `insufficient_data` with the reason.
 */
export async function multivariateOf(
  repo: DriftRepo,
  request: DriftRequest,
  baseline: Baseline | undefined,
  minSamples: number,
  cache?: ReferenceCache,
): Promise<MultivariateDrift> {
  let reference: SideFilter;
  if (!('baselineId' in request.reference)) reference = request.reference;
  else if (baseline?.source === 'version')
    reference = { fromMs: 0, toMs: MAX_TIME_MS, version: baseline.version };
  else if (baseline?.source === 'range')
    reference = { fromMs: baseline.fromMs, toMs: baseline.toMs };
  else return { ...multivariateDrift([], minSamples), reason: NO_JOINT_REFERENCE };
  const q = { ...request, reference };
  if (!cache) return multivariateDrift(await repo.jointRows(q, MAX_JOINT_ROWS), minSamples);
  const key = JSON.stringify([request.project, request.model, reference]);
  let ref = cache.get(key);
  if (!ref) {
    ref = repo.jointRows(q, MAX_JOINT_ROWS, 'reference');
    cache.set(key, ref);
  }
  const cur = await repo.jointRows(q, MAX_JOINT_ROWS, 'current');
  return multivariateDrift([...(await ref), ...cur], minSamples);
}
