import type { ByteSink } from '../../storage/native/byte-sink.js';
import { MapColumn } from '../../storage/native/columns.js';
import type { DecodeContext } from '../outcome.js';
import { writeKeyValue } from './attributes.js';
import { type ProtoReader, WIRE_LEN } from './reader.js';

const SERVICE_NAME = Buffer.from('service.name');

/**
 * A decoded `Resource` (or `InstrumentationScope` attributes): its attributes encoded once
 * as Native map entries, copied into every row that belongs to it.
 */
export class EncodedAttributes {
  readonly map = new MapColumn('scratch');
  /** Byte range of `service.name`'s string value in the request, or -1. */
  serviceStart = -1;
  serviceEnd = -1;
  /** False when an attribute was over the size limit: the resource's records are rejected. */
  ok = true;
  /**
   * Views of the encoded keys and values, made on the first copy: every span of the
   * resource copies the same bytes, and a view made per copy costs more than the copy.
   */
  private keysView: Buffer | undefined;
  private valuesView: Buffer | undefined;

  reset(): void {
    this.map.reset();
    this.serviceStart = -1;
    this.serviceEnd = -1;
    this.ok = true;
    this.keysView = this.valuesView = undefined;
  }

  /** Writes the `ServiceName` column's value: `service.name` when it is a string, else empty. */
  writeService(sink: ByteSink, buf: Uint8Array): void {
    if (this.serviceStart >= 0) sink.stringBytes(buf, this.serviceStart, this.serviceEnd);
    else sink.u8(0);
  }

  /** Copies the encoded entries into `target` as one row (once they are all read). */
  copyTo(target: MapColumn): void {
    const m = this.map;
    if (m.offsets.count > 0) {
      this.keysView ??= m.keys.view();
      this.valuesView ??= m.values.view();
      target.keys.appendView(this.keysView);
      target.values.appendView(this.valuesView);
      target.offsets.count += m.offsets.count;
    }
    target.offsets.end();
  }
}

/**
 * Reads the `repeated KeyValue attributes = <field>` of the message in `[r.pos, end)` into
 * `into`, noting `service.name` on the way.
 */
export function readAttributes(
  r: ProtoReader,
  end: number,
  field: number,
  into: EncodedAttributes,
  ctx: DecodeContext,
): void {
  const wanted = (field << 3) | WIRE_LEN;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag !== wanted) {
      r.skip(tag & 7, end);
      continue;
    }
    const e = r.lenEnd(end);
    noteServiceName(r, e, into);
    if (!writeKeyValue(r, e, into.map, ctx)) into.ok = false;
    r.pos = e;
  }
}

function noteServiceName(r: ProtoReader, end: number, into: EncodedAttributes): void {
  const start = r.pos;
  const b = r.buf;
  let isService = false;
  let vs = -1;
  let ve = -1;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) {
      const ke = r.lenEnd(end);
      isService = ke - r.pos === SERVICE_NAME.length && SERVICE_NAME.equals(b.subarray(r.pos, ke));
      r.pos = ke;
    } else if (tag === ((2 << 3) | WIRE_LEN)) {
      ve = r.lenEnd(end);
      vs = r.pos;
      r.pos = ve;
    } else r.skip(tag & 7, end);
  }
  if (isService && vs >= 0) {
    // AnyValue.string_value is field 1; anything else leaves the service name empty.
    r.pos = vs;
    while (r.pos < ve) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | WIRE_LEN)) {
        into.serviceEnd = r.lenEnd(ve);
        into.serviceStart = r.pos;
        r.pos = into.serviceEnd;
      } else r.skip(tag & 7, ve);
    }
  }
  r.pos = start;
}
