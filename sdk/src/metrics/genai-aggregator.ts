import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_RESPONSE_MODEL,
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
} from '../semconv.js';
import { HistogramCell } from './histogram-cell.js';
import {
  type MetricSink,
  OVERFLOW_ATTRIBUTES,
  type SeriesRecorder,
  seriesAttributes,
  seriesKey,
} from './sink.js';

/** The histograms of one attribute set (series tuple + response model + error type). */
export class OutcomeCells {
  readonly duration = new HistogramCell(GEN_AI_DURATION_BUCKETS);
  ttft: HistogramCell | undefined;
  inputTokens: HistogramCell | undefined;
  outputTokens: HistogramCell | undefined;

  constructor(
    readonly attributes: Attributes,
    /** When this cell started counting (ms since epoch): the cumulative start time. */
    readonly startMs: number,
  ) {}

  record(
    duration: number,
    inputTokens: number | undefined,
    outputTokens: number | undefined,
    ttft: number | undefined,
  ): void {
    this.duration.record(duration);
    if (ttft !== undefined) {
      if (this.ttft === undefined) this.ttft = new HistogramCell(GEN_AI_DURATION_BUCKETS);
      this.ttft.record(ttft);
    }
    if (inputTokens !== undefined) {
      if (this.inputTokens === undefined)
        this.inputTokens = new HistogramCell(GEN_AI_TOKEN_BUCKETS);
      this.inputTokens.record(inputTokens);
    }
    if (outputTokens !== undefined) {
      if (this.outputTokens === undefined)
        this.outputTokens = new HistogramCell(GEN_AI_TOKEN_BUCKETS);
      this.outputTokens.record(outputTokens);
    }
  }
}

class AggregatedSeries implements SeriesRecorder {
  private plain: OutcomeCells | undefined;
  private outcomes: Map<string, OutcomeCells> | undefined;
  // The last successful call's response model and cells: most calls of a series answer with
  // the same model, and a string compare is cheaper than building the outcome key.
  private lastModel: string | undefined;
  private lastModelCells: OutcomeCells | undefined;

  constructor(
    private readonly owner: GenAiAggregator,
    readonly attributes: Attributes,
  ) {}

  record(
    duration: number,
    errorType: string | undefined,
    responseModel: string | undefined,
    inputTokens: number | undefined,
    outputTokens: number | undefined,
    ttft: number | undefined,
  ): void {
    let cells: OutcomeCells;
    if (errorType === undefined && responseModel === undefined) {
      cells = this.plain ??= this.owner.newCells(this.attributes);
    } else if (
      errorType === undefined &&
      responseModel === this.lastModel &&
      this.lastModelCells !== undefined
    ) {
      cells = this.lastModelCells;
    } else {
      const key = `${responseModel ?? ''}\u001f${errorType ?? ''}`;
      this.outcomes ??= new Map();
      let c = this.outcomes.get(key);
      if (c === undefined) {
        const attrs: Attributes = { ...this.attributes };
        if (responseModel !== undefined) attrs[ATTR_GEN_AI_RESPONSE_MODEL] = responseModel;
        if (errorType !== undefined) attrs[ATTR_ERROR_TYPE] = errorType;
        c = this.owner.newCells(attrs);
        this.outcomes.set(key, c);
      }
      cells = c;
      if (errorType === undefined) {
        this.lastModel = responseModel;
        this.lastModelCells = c;
      }
    }
    cells.record(duration, inputTokens, outputTokens, ttft);
  }
}

/**
 * Aggregates the GenAI client histograms in the SDK itself, keyed by a cached series tuple,
 * so that a call costs a Map lookup and a few array increments instead of three sdk-metrics
 * `record()` calls that each hash the attribute set. A {@link GenAiMetricProducer} hands the
 * result to a MetricReader as ordinary explicit-bucket histograms.
 *
 * Memory is bounded: past `maxCells` attribute sets, measurements go to one overflow data
 * point marked `otel.metric.overflow=true`, as the OpenTelemetry metrics SDK spec prescribes.
 */
export class GenAiAggregator implements MetricSink {
  private readonly series = new Map<string, AggregatedSeries>();
  private readonly cells: OutcomeCells[] = [];
  private overflowSeries: AggregatedSeries | undefined;
  private overflowCells: OutcomeCells | undefined;
  // The series of the previous call, with its tuple: an app mostly calls the same model, and
  // comparing the (usually identical) strings is cheaper than joining and hashing a key.
  private last: AggregatedSeries | undefined;
  private lastTuple: readonly unknown[] = [];

  constructor(
    readonly maxCells = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  seriesFor(
    operation: string,
    provider: string,
    model: string,
    version: string | undefined,
    variant: string | undefined,
    serverAddress: string | undefined,
    serverPort: number | undefined,
  ): SeriesRecorder {
    const t = this.lastTuple;
    if (
      this.last !== undefined &&
      t[0] === operation &&
      t[1] === provider &&
      t[2] === model &&
      t[3] === version &&
      t[4] === variant &&
      t[5] === serverAddress &&
      t[6] === serverPort
    ) {
      return this.last;
    }
    const key = seriesKey(operation, provider, model, version, variant, serverAddress, serverPort);
    let s = this.series.get(key);
    if (s === undefined) {
      if (this.series.size >= this.maxCells) {
        this.overflowSeries ??= new AggregatedSeries(this, OVERFLOW_ATTRIBUTES);
        return this.overflowSeries;
      }
      const attrs = seriesAttributes(
        operation,
        provider,
        model,
        version,
        variant,
        serverAddress,
        serverPort,
      );
      s = new AggregatedSeries(this, attrs);
      this.series.set(key, s);
    }
    this.last = s;
    this.lastTuple = [operation, provider, model, version, variant, serverAddress, serverPort];
    return s;
  }

  /** @internal Creates the cells for a new attribute set, or returns the overflow cells. */
  newCells(attributes: Attributes): OutcomeCells {
    if (this.cells.length >= this.maxCells) {
      if (this.overflowCells === undefined) {
        this.overflowCells = new OutcomeCells(OVERFLOW_ATTRIBUTES, this.now());
        this.cells.push(this.overflowCells);
      }
      return this.overflowCells;
    }
    const c = new OutcomeCells(attributes, this.now());
    this.cells.push(c);
    return c;
  }

  /** Every attribute set recorded so far (read by producers at collection time). */
  allCells(): readonly OutcomeCells[] {
    return this.cells;
  }
}
