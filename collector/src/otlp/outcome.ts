import type { FeatureValuesBlock } from '../storage/tables/feature-values-block.js';
import type { DecodeBudget } from './decode-budget.js';

/**
 * What a decode produced: records accepted into blocks, records rejected one by one,
 * the first rejection's reason (OTLP `partial_success` carries one message), and the
 * attributes dropped over the per-record count limit (records kept, a warning sent).
 */
export class DecodeOutcome {
  accepted = 0;
  rejected = 0;
  /** The first rejection's reason. */
  reason = '';
  droppedAttributes = 0;
  /** The `maxAttributes` limit the drops were counted against, for the message. */
  maxAttributes = 0;

  /** Rejects `count` records (a metric's data points, for one invalid metric) for `why`. */
  reject(why: string, count = 1): void {
    if (this.rejected === 0) this.reason = why;
    this.rejected += Math.max(1, count);
  }

  /**
   * `partial_success.error_message`: the first rejection's reason, then a warning about
   * dropped attributes. Empty when the request was accepted as sent (OTLP: no
   * `partial_success` at all).
   */
  get message(): string {
    if (this.droppedAttributes === 0) return this.reason;
    const warning =
      `${this.droppedAttributes} attribute(s) dropped: at most ${this.maxAttributes} are kept ` +
      'per record, resource, scope, event and link (--max-attributes-per-record)';
    return this.reason ? `${this.reason}; ${warning}` : warning;
  }
}

/** The attribute limits of a request, and what they dropped. */
export interface AttributeLimits {
  /** Longest attribute key or value accepted, in bytes; longer ones reject the record. */
  readonly maxAttributeBytes: number;
  /**
   * Most attributes kept per map (a record's, its resource's, scope's, event's, link's);
   * later ones are dropped, as OpenTelemetry SDKs do past their attribute count limit.
   */
  readonly maxAttributes: number;
  /** Attributes dropped over `maxAttributes` so far; the caller moves it to the outcome. */
  droppedAttributes: number;
}

/** Per-request context shared by the decoders. */
export interface DecodeContext extends AttributeLimits {
  /** The project the request authenticated as, pre-encoded as a Native String. */
  readonly project: Buffer;
  /** Charged after each record with what it wrote; throws once the request is over it. */
  readonly budget: DecodeBudget;
  /**
   * Where trace decoders write typed drift inputs (`aiobs.feature.*`, `aiobs.prediction.*`)
   * of accepted spans; absent: none are written (see otlp/feature-rows.ts).
   */
  readonly features?: FeatureValuesBlock;
}

/** Encodes a project id once per request, as every row repeats it. */
export function encodeProject(projectId: string): Buffer {
  const bytes = Buffer.from(projectId, 'utf8');
  if (bytes.length > 127) throw new RangeError('project id longer than 127 bytes');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}
