import { NativeBlock } from '../native/block.js';
import { SinkColumn } from '../native/columns.js';

/**
 * Columns of `aiobs_feature_values` (collector/src/drift/migrations/0030): typed drift
 * inputs, written by the trace decoders beside the span row (otlp/feature-rows.ts).
 */
export class FeatureValuesBlock extends NativeBlock {
  readonly projectId = new SinkColumn('project_id', 'String', 1024);
  readonly model = new SinkColumn('model', 'String', 1024);
  readonly version = new SinkColumn('version', 'String', 1024);
  readonly variant = new SinkColumn('variant', 'String', 1024);
  readonly kind = new SinkColumn('kind', 'String', 1024);
  readonly feature = new SinkColumn('feature', 'String', 1024);
  readonly time = new SinkColumn('time', 'DateTime64(9)', 1024);
  readonly predictionId = new SinkColumn('prediction_id', 'String', 1024);
  readonly isNumeric = new SinkColumn('is_numeric', 'UInt8', 1024);
  readonly num = new SinkColumn('num', 'Float64', 1024);
  readonly cat = new SinkColumn('cat', 'String', 1024);

  constructor() {
    super('aiobs_feature_values');
    this.columns = [
      this.projectId,
      this.model,
      this.version,
      this.variant,
      this.kind,
      this.feature,
      this.time,
      this.predictionId,
      this.isNumeric,
      this.num,
      this.cat,
    ];
  }
}
