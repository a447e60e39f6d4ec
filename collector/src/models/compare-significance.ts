import type { ArmDrift, CompareSignificance, CompareVerdict } from '../api/types.js';
import type { BaselinesRepo } from '../drift/baselines-repo.js';
import type { DriftRepo } from '../drift/repo.js';
import { DEFAULT_MIN_SAMPLES, judge } from '../drift/verdict.js';
import { BadRequestError } from '../errors.js';
import { allInOrder } from '../query/in-order.js';
import { MAX_TIME_MS, parseLabelDelay, parseName } from '../query/params.js';
import type { Db, Params } from '../storage/db.js';
import { armAccuracySql, latencyBucketsSql } from './compare-significance-sql.js';
import { findUnresolved, labelledTables } from './labelled-repo.js';
import type { Arm } from './params.js';
import type { InferenceFilter } from './repo.js';
import {
  DEFAULT_ALPHA,
  DEFAULT_COMPARE_MIN_SAMPLES,
  type JudgeOptions,
  judgeLatency,
  judgeProportion,
  SEQUENTIAL_RULE,
} from './significance-judge.js';
import { DIMENSIONS } from './sql.js';

/** Requests and errors of each arm (A, B). */
export interface ArmFigures {
  requests: [number, number];
  errors: [number, number];
}

/** What a comparison's significance is computed over. */
export interface CompareInput {
  project: string;
  model: string;
  a: Arm;
  b: Arm;
  /** Other filters of the comparison (service, provider, ...). */
  filter: InferenceFilter;
  /** The aligned range the figures were read over. */
  fromMs: number;
  toMs: number;
  /**
   * Requests and errors of each arm, from the comparison's figures: may still be read
   * (a promise), since only the error-rate test needs them and the significance's own reads
   * need not wait for the figures.
   */
  figures: ArmFigures | PromiseLike<ArmFigures>;
  /** The request's query parameters (`alpha`, `minSamples`, `labelDelay`, `baseline`). */
  query: Record<string, string | undefined>;
}

/**
 * `baseline=default`: the model's default drift baseline, or its newest when none is marked
 * default (`BaselinesRepo.ofModel`, as the dashboard picks one). A client can then ask for
 * the arms' drift in the same call as the rest, without reading the baseline list first.
 * Baseline ids are UUIDs, so the word cannot name one.
 */
const DEFAULT_BASELINE = 'default';

function parseOptions(q: Record<string, string | undefined>) {
  const alpha = q.alpha === undefined ? DEFAULT_ALPHA : Number(q.alpha);
  if (!(alpha > 0 && alpha <= 0.2))
    throw new BadRequestError('alpha must be a number above 0 and at most 0.2', 'alpha');
  const minSamples =
    q.minSamples === undefined ? DEFAULT_COMPARE_MIN_SAMPLES : Number(q.minSamples);
  if (!Number.isInteger(minSamples) || minSamples < 2 || minSamples > 1_000_000)
    throw new BadRequestError('minSamples must be an integer from 2 to 1000000', 'minSamples');
  const labelDelayMs = parseLabelDelay(q.labelDelay);
  return { alpha, minSamples, labelDelayMs, baseline: parseName(q.baseline, 'baseline') };
}

const num = (v: unknown) => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};

function armDrift(judged: { feature: string; verdict: string }[]): ArmDrift {
  const of = (v: string) => judged.filter((j) => j.verdict === v).map((j) => j.feature);
  return {
    drift: of('drift'),
    moderate: of('moderate'),
    insufficientData: of('insufficient_data'),
    features: judged.length,
  };
}

/** B against A by the number of features that drifted from the same baseline. */
function driftVerdict(a: ArmDrift, b: ArmDrift): CompareVerdict {
  const judgedA = a.features - a.insufficientData.length;
  const judgedB = b.features - b.insufficientData.length;
  if (judgedA === 0 || judgedB === 0) return 'insufficient_data';
  if (b.drift.length > a.drift.length) return 'worse';
  if (b.drift.length < a.drift.length) return 'better';
  return 'no_significant_difference';
}

/**
 * Significance of `/models/compare` (docs/models.md "Canary and A/B verdicts"): latency by
 * Mann–Whitney U over the arms' raw rows bucketed at 0.1% in the engine, error rate and
 * accuracy by two-proportion z-tests, drift of each arm against one baseline (the drift
 * module's statistics and verdicts, read only).
 */
export function createCompareSignificance(deps: {
  db: Db;
  drift?: { repo: DriftRepo; baselines: BaselinesRepo };
}) {
  const { db } = deps;
  const inferences = db.table('aiobs_inferences');
  const labelled = labelledTables(db);

  /** Conditions on the raw rows besides the arms, and their parameters. */
  function rowsWhere(x: CompareInput): { sql: string; params: Params } {
    const params: Params = {
      project: x.project,
      model: x.model,
      fromMs: x.fromMs,
      toMs: x.toMs,
      aValue: x.a.value,
      bValue: x.b.value,
    };
    const conds = [
      'project_id = {project:String}',
      'model = {model:String}',
      'time >= fromUnixTimestamp64Milli({fromMs:Int64})',
      'time < fromUnixTimestamp64Milli({toMs:Int64})',
    ];
    for (const d of DIMENSIONS) {
      const v = x.filter[d];
      // The arms' own dimensions are the arms' business.
      if (v === undefined || d === 'model' || d === x.a.dimension || d === x.b.dimension) continue;
      params[`f_${d}`] = v;
      conds.push(`${d} = {f_${d}:String}`);
    }
    return { sql: conds.join(' AND '), params };
  }

  async function latencyCounts(x: CompareInput): Promise<{ a: number[]; b: number[] }> {
    const w = rowsWhere(x);
    const rows = await db.rows<{ arm: number; k: number; n: string | number }>(
      latencyBucketsSql(inferences, x.a, x.b, w.sql),
      w.params,
    );
    // Rows are ordered by bucket: one position per distinct bucket, both arms aligned.
    const a: number[] = [];
    const b: number[] = [];
    let last = -1;
    for (const r of rows) {
      if (Number(r.k) !== last) {
        a.push(0);
        b.push(0);
        last = Number(r.k);
      }
      (Number(r.arm) === 0 ? a : b)[a.length - 1]! += num(r.n);
    }
    return { a, b };
  }

  /** Judged and correct labelled predictions per arm (feedback within the delay). */
  async function accuracyOf(x: CompareInput, delayMs: number) {
    const w = rowsWhere(x);
    const scan = {
      project: x.project,
      fbFromMs: Math.max(0, x.fromMs - delayMs),
      fbToMs: Math.min(MAX_TIME_MS, x.toMs + delayMs),
    };
    const u = await findUnresolved(db, labelled, scan);
    const rows = await db.rows<{ arm: number; judged: string | number; correct: string | null }>(
      armAccuracySql(labelled, x.a, x.b, w.sql, u.live),
      { ...w.params, ...scan, delayMs, ...u.params },
    );
    const of = (arm: number) => {
      const r = rows.find((row) => Number(row.arm) === arm);
      return { judged: num(r?.judged), correct: num(r?.correct) };
    };
    return [of(0), of(1)] as const;
  }

  async function driftOf(x: CompareInput, baselineId: string) {
    const drift = deps.drift;
    if (!drift) throw new BadRequestError('drift is not available here', 'baseline');
    const b =
      baselineId === DEFAULT_BASELINE
        ? await drift.baselines.ofModel(x.project, x.model)
        : await drift.baselines.get(x.project, baselineId);
    // The model has no baseline to stand for: no drift block, as without the parameter.
    if (!b && baselineId === DEFAULT_BASELINE) return undefined;
    if (!b) throw new BadRequestError(`no baseline ${baselineId}`, 'baseline');
    if (b.model !== x.model)
      throw new BadRequestError(`baseline ${b.id} is of model "${b.model}"`, 'baseline');
    const one = async (arm: Arm) => {
      const stats = await drift.repo.featureStats({
        project: x.project,
        model: x.model,
        reference: { baselineId: b.id },
        current: { fromMs: x.fromMs, toMs: x.toMs, [arm.dimension]: arm.value },
      });
      return armDrift(
        stats.map((s) => ({
          feature: s.feature,
          verdict: judge(s, 'auto', DEFAULT_MIN_SAMPLES).verdict,
        })),
      );
    };
    const [a, bArm] = await allInOrder([one(x.a), one(x.b)]);
    return { baseline: b.id, verdict: driftVerdict(a, bArm), a, b: bArm };
  }

  return {
    /**
     * The significance block of one comparison. Its reads (latency buckets, accuracy, drift)
     * are independent of each other and of the figures, so they are issued together; an
     * error is the one the first failing read would have given one after another.
     */
    async compute(x: CompareInput): Promise<CompareSignificance> {
      const o = parseOptions(x.query);
      const judgeOpts: JudgeOptions = { alpha: o.alpha, minSamples: o.minSamples };
      const [counts, [accA, accB], drift, f] = await allInOrder([
        latencyCounts(x),
        accuracyOf(x, o.labelDelayMs),
        o.baseline !== undefined ? driftOf(x, o.baseline) : undefined,
        x.figures,
      ]);
      const out: CompareSignificance = {
        alpha: o.alpha,
        minSamples: o.minSamples,
        labelDelayMs: o.labelDelayMs,
        sequentialRule: SEQUENTIAL_RULE,
        latency: judgeLatency(counts.a, counts.b, judgeOpts),
        errorRate: judgeProportion(
          f.errors[0],
          f.requests[0],
          f.errors[1],
          f.requests[1],
          false,
          judgeOpts,
        ),
        accuracy: judgeProportion(
          accA.correct,
          accA.judged,
          accB.correct,
          accB.judged,
          true,
          judgeOpts,
        ),
      };
      if (drift !== undefined) out.drift = drift;
      return out;
    },
  };
}

/** Computes the significance block of a comparison. */
export type CompareSignificanceService = ReturnType<typeof createCompareSignificance>;
