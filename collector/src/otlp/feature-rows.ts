import type { FeatureValuesBlock } from '../storage/tables/feature-values-block.js';

/**
 * Typed drift inputs of one span, gathered while its attributes are decoded (the decoders
 * know each value's OTLP type; the span row keeps only strings): every
 * `aiobs.feature.<name>` and `aiobs.prediction.value|label|score` value, numeric when
 * the OTLP value is an int or a double, categorical when it is a string or a bool, and
 * the span's model, version, variant and prediction id. Arrays, maps and bytes are not
 * feature values and are skipped. One instance per request, reused for every span.
 */
export class FeatureRows {
  model = '';
  responseModel = '';
  version = '';
  variant = '';
  predictionId = '';
  /** Scratch, `count` entries used: kind, name, numeric?, number, text. */
  count = 0;
  private readonly kinds: string[] = [];
  private readonly names: string[] = [];
  private readonly numeric: boolean[] = [];
  private readonly nums: number[] = [];
  private readonly cats: string[] = [];

  /** Forgets the previous span. */
  reset(): void {
    this.model = '';
    this.responseModel = '';
    this.version = '';
    this.variant = '';
    this.predictionId = '';
    this.count = 0;
  }

  /**
   * Looks at one attribute: true when its key is one this class uses (so the caller reads
   * the value and calls `value()`), false for every other key. Keys are tested by length
   * and first byte before any string compare: most attributes cost two comparisons.
   */
  wants(key: string): boolean {
    const c = key.charCodeAt(0);
    if (c === 0x61 /* a */) return key.startsWith('aiobs.');
    if (c === 0x67 /* g */)
      return key === 'gen_ai.request.model' || key === 'gen_ai.response.model';
    return false;
  }

  /**
   * Records the typed value of a key `wants()` accepted: a number for OTLP int/double, a
   * string for string values, a boolean for bools (stored as `true`/`false`).
   */
  value(key: string, v: number | string | boolean): void {
    // Identifiers as the span row stores them (SDKs send strings; a number is spelled out).
    if (key === 'gen_ai.request.model') this.model = String(v);
    else if (key === 'gen_ai.response.model') this.responseModel = String(v);
    else if (key === 'aiobs.model.version') this.version = String(v);
    else if (key === 'aiobs.deployment.variant') this.variant = String(v);
    else if (key === 'aiobs.prediction.id') this.predictionId = String(v);
    let kind: string;
    let name: string;
    if (key.startsWith('aiobs.feature.') && key.length > 14) {
      kind = 'feature';
      name = key.slice(14);
    } else if (
      key === 'aiobs.prediction.value' ||
      key === 'aiobs.prediction.label' ||
      key === 'aiobs.prediction.score'
    ) {
      kind = 'prediction';
      name = key.slice(6);
    } else return;
    const i = this.count++;
    this.kinds[i] = kind;
    this.names[i] = name;
    const isNum = typeof v === 'number';
    this.numeric[i] = isNum;
    this.nums[i] = isNum ? v : 0;
    this.cats[i] = isNum ? '' : typeof v === 'boolean' ? (v ? 'true' : 'false') : v;
  }

  /**
   * Writes one row per recorded value into `block` for the accepted span that started at
   * `[startLo, startHi]` (Unix ns halves), in project `project` (a Native String).
   */
  write(block: FeatureValuesBlock, project: Buffer, startLo: number, startHi: number): void {
    // The span's identifiers repeat on each of its rows: encoded once.
    const model = Buffer.from(this.model !== '' ? this.model : this.responseModel);
    const version = Buffer.from(this.version);
    const variant = Buffer.from(this.variant);
    const id = Buffer.from(this.predictionId);
    for (let i = 0; i < this.count; i++) {
      block.projectId.sink.bytes(project, 0, project.length);
      block.model.sink.stringBytes(model, 0, model.length);
      block.version.sink.stringBytes(version, 0, version.length);
      block.variant.sink.stringBytes(variant, 0, variant.length);
      block.kind.sink.string(this.kinds[i]!);
      block.feature.sink.string(this.names[i]!);
      block.time.sink.u64(startLo, startHi);
      block.predictionId.sink.stringBytes(id, 0, id.length);
      block.isNumeric.sink.u8(this.numeric[i] ? 1 : 0);
      block.num.sink.f64(this.nums[i]!);
      block.cat.sink.string(this.cats[i]!);
      block.rows++;
    }
  }
}
