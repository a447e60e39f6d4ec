/**
 * What a decode produced: records accepted into blocks, records rejected one by one,
 * and the first rejection's reason (OTLP `partial_success` carries one message).
 */
export class DecodeOutcome {
  accepted = 0;
  rejected = 0;
  message = '';

  reject(why: string): void {
    if (this.rejected === 0) this.message = why;
    this.rejected++;
  }
}

/** Per-request context shared by the decoders. */
export interface DecodeContext {
  /** The project the request authenticated as, pre-encoded as a Native String. */
  readonly project: Buffer;
  /** Longest attribute key or value accepted, in bytes; longer ones reject the record. */
  readonly maxAttributeBytes: number;
}

/** Encodes a project id once per request, as every row repeats it. */
export function encodeProject(projectId: string): Buffer {
  const bytes = Buffer.from(projectId, 'utf8');
  if (bytes.length > 127) throw new RangeError('project id longer than 127 bytes');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}
