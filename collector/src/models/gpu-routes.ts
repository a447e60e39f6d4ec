import { Hono } from 'hono';
import type { GpuJoinPoint, ModelGpuResponse } from '../api/types.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { parseRange, parseStep } from '../query/params.js';
import { GPU_KEYS, gpuLines, meanOverGpus, pearson } from './gpu-join.js';
import type { GpuRepo } from './gpu-repo.js';
import { parseFilter } from './params.js';
import type { ModelsRepo } from './repo.js';
import { type LevelChoice, pickSeriesLevel } from './rollup-level.js';
import { EMPTY_AGG, figuresFor, metricValue } from './stats.js';

/** What the join's points show of the inferences: only these figures are read. */
const JOIN_FIGURES = figuresFor(['requests', 'latencyP95', 'ttftP95']);

const MIN = 60_000;
/** Time shown around a trace's inferences. */
const TRACE_PAD_MS = 15 * MIN;

/**
 * `GET /api/v1/models/gpu?model=|service=|traceId=`: the GPUs of the hosts that served the
 * inferences, over the same window and buckets as the inferences' latency and TTFT, and
 * how they correlate. GPU data are per-minute rollups, so steps are whole minutes.
 */
export function gpuRoutes(models: ModelsRepo, gpus: GpuRepo) {
  const app = new Hono<AppEnv>();
  app.get('/', async function modelGpu(c) {
    const q = c.req.query();
    const project = projectOf(c);
    const filter = parseFilter(q);
    const traceId = q.traceId?.toLowerCase();
    if (traceId !== undefined && !/^[0-9a-f]{32}$/.test(traceId))
      throw new BadRequestError('traceId must be 32 hex characters', 'traceId');
    if (!traceId && !filter.model && !filter.service)
      throw new BadRequestError('name a model, a service or a traceId', 'model');

    let range = parseRange(q, traceId ? 86_400_000 : 3_600_000);
    let hosts: string[];
    let trace: ModelGpuResponse['trace'];
    let inferenceHosts: string[] | undefined;
    if (traceId) {
      const spans = await gpus.traceInferences(project, traceId, range);
      if (spans.length === 0)
        throw new NotFoundError(`no inference spans of trace ${traceId} in the range`);
      range = {
        fromMs: spans[0]!.timeMs - TRACE_PAD_MS,
        toMs: Math.max(...spans.map((s) => s.timeMs + s.durationMs)) + TRACE_PAD_MS,
      };
      hosts = [...new Set(spans.map((s) => s.host).filter((h) => h !== ''))];
      inferenceHosts = hosts;
      trace = spans.map(({ timeMs, ...s }) => ({ time: new Date(timeMs).toISOString(), ...s }));
    } else {
      hosts = await gpus.servingHosts(project, range, filter);
    }
    const step = parseStep(q.step, range);
    const stepMs = Math.max(MIN, Math.ceil(step / MIN) * MIN);
    // With a trace: everything its hosts served around it (raw rows carry the host).
    const choice: LevelChoice = inferenceHosts
      ? { ...pickSeriesLevel(range, stepMs), level: 'raw' }
      : pickSeriesLevel(range, stepMs);
    const [inference, gpuRows] = await Promise.all([
      models.series(
        project,
        choice,
        inferenceHosts ? {} : filter,
        stepMs,
        undefined,
        inferenceHosts,
        JOIN_FIGURES,
      ),
      gpus.gpuBuckets(project, choice, stepMs, hosts),
    ]);
    const byBucket = new Map(inference.map((r) => [r.bucketMs, r.agg]));
    const lines = gpuLines(gpuRows);
    const points: GpuJoinPoint[] = [];
    for (let t = choice.fromMs; t < choice.toMs; t += stepMs) {
      const agg = byBucket.get(t) ?? EMPTY_AGG;
      points.push({
        time: new Date(t).toISOString(),
        requests: agg.requests,
        latencyP95Ms: metricValue('latencyP95', agg, stepMs),
        ttftP95Ms: metricValue('ttftP95', agg, stepMs),
        ...meanOverGpus(lines, t),
      });
    }
    const correlate = (k: 'latencyP95Ms' | 'ttftP95Ms') =>
      Object.fromEntries(
        GPU_KEYS.map((g) => [
          g,
          pearson(
            points.map((p) => p[k]),
            points.map((p) => p[g]),
          ),
        ]),
      ) as ModelGpuResponse['correlation']['latencyP95Ms'];
    const body: ModelGpuResponse = {
      from: new Date(choice.fromMs).toISOString(),
      to: new Date(choice.toMs).toISOString(),
      level: choice.level,
      stepMs,
      hosts,
      points,
      gpus: lines.map((l) => ({
        host: l.host,
        gpu: l.gpu,
        gpuName: l.gpuName,
        points: points.map((p) => ({
          time: p.time,
          ...(l.byBucket.get(Date.parse(p.time)) ?? meanOverGpus([], 0)),
        })),
      })),
      correlation: { latencyP95Ms: correlate('latencyP95Ms'), ttftP95Ms: correlate('ttftP95Ms') },
      ...(trace ? { trace } : {}),
    };
    return c.json(body);
  });
  return app;
}
