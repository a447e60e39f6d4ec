// Where the first span's trace id lies in an encoded OTLP trace export, so that a benchmark
// can make each send (or each insert) a request of its own by writing a counter there: the
// collector stores a resent body once, and the engine drops a block it has just inserted.

/**
 * Where the first span's trace id lies in an ExportTraceServiceRequest (resource_spans 1 >
 * scope_spans 2 > spans 2 > trace_id 1), as the official serializer lays it out.
 */
export function firstTraceIdAt(body) {
  let pos = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = body[pos++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  // Enter the first field with this number at each level; the last one is the id itself.
  for (const field of [1, 2, 2, 1]) {
    for (;;) {
      const tag = varint();
      if ((tag & 7) !== 2) throw new Error(`unexpected wire type in field ${tag >>> 3}`);
      const len = varint();
      if (tag >>> 3 === field) break;
      pos += len;
    }
  }
  if (body[pos - 1] !== 16) throw new Error('no 16-byte trace id in the first span');
  return pos;
}
