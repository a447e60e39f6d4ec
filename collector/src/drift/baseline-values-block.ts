import { NativeBlock } from '../storage/native/block.js';
import { SinkColumn } from '../storage/native/columns.js';

/**
 * Columns of `aiobs_baseline_values` (migration 0031) as a Native block: an uploaded sample
 * is written through the engine's fastest input (`Engine.insertNative`), not as JSON rows,
 * which the client encodes at a few tens of thousands of rows a second.
 */
export class BaselineValuesBlock extends NativeBlock {
  readonly projectId = new SinkColumn('project_id', 'String', 1 << 16);
  readonly baselineId = new SinkColumn('baseline_id', 'String', 1 << 16);
  readonly kind = new SinkColumn('kind', 'String', 1 << 16);
  readonly feature = new SinkColumn('feature', 'String', 1 << 16);
  readonly isNumeric = new SinkColumn('is_numeric', 'UInt8', 1 << 16);
  readonly num = new SinkColumn('num', 'Float64', 1 << 16);
  readonly cat = new SinkColumn('cat', 'String', 1 << 16);

  constructor() {
    super('aiobs_baseline_values');
    this.columns = [
      this.projectId,
      this.baselineId,
      this.kind,
      this.feature,
      this.isNumeric,
      this.num,
      this.cat,
    ];
  }

  /** Appends one value row. */
  add(
    project: string,
    baselineId: string,
    v: { kind: string; feature: string; is_numeric: 0 | 1; num: number; cat: string },
  ): void {
    this.projectId.sink.string(project);
    this.baselineId.sink.string(baselineId);
    this.kind.sink.string(v.kind);
    this.feature.sink.string(v.feature);
    this.isNumeric.sink.u8(v.is_numeric);
    this.num.sink.f64(v.num);
    this.cat.sink.string(v.cat);
    this.rows++;
  }
}
