// Re-stamps a pre-encoded OTLP/protobuf trace export for each send, without re-encoding it:
// every send gets span and trace ids of its own (its number in their first 4 bytes) and
// timestamps of the moment it is sent. The soak benchmark checks every acknowledged span by
// id, and a 30-minute run of replayed bodies would otherwise store the same ids over and
// over, all in one minute (which would also flatter the bytes per span on disk).

function varint(buf, pos) {
  let v = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    v += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [v, pos];
    shift += 7;
  }
}

/** Calls `on(field, start, end)` for each field of the message in buf[start, end). */
function eachField(buf, start, end, on) {
  let pos = start;
  while (pos < end) {
    let tag;
    [tag, pos] = varint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) [, pos] = varint(buf, pos);
    else if (wire === 1) {
      on(field, pos, pos + 8);
      pos += 8;
    } else if (wire === 2) {
      let len;
      [len, pos] = varint(buf, pos);
      on(field, pos, pos + len);
      pos += len;
    } else if (wire === 5) pos += 4;
    else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
}

/**
 * Where, in one ExportTraceServiceRequest, each span's ids (trace_id, span_id,
 * parent_span_id) and times (start, end, event times; fixed64 ns) lie. Throws when two spans
 * of the body would share an id after stamping (their last 4 bytes are equal).
 */
export function stampTemplate(body) {
  const ids = [];
  const times = [];
  const spanTails = new Set();
  let spans = 0;
  eachField(body, 0, body.length, (f, s, e) => {
    if (f !== 1) return; // resource_spans
    eachField(body, s, e, (f2, s2, e2) => {
      if (f2 !== 2) return; // scope_spans
      eachField(body, s2, e2, (f3, s3, e3) => {
        if (f3 !== 2) return; // spans
        spans++;
        eachField(body, s3, e3, (f4, s4, e4) => {
          if ((f4 === 1 && e4 - s4 === 16) || (f4 === 4 && e4 - s4 === 8)) ids.push(s4);
          else if (f4 === 2 && e4 - s4 === 8) {
            ids.push(s4);
            spanTails.add(body.readUInt32BE(s4 + 4));
          } else if (f4 === 7 || f4 === 8) times.push(s4);
          else if (f4 === 11)
            eachField(body, s4, e4, (f5, s5) => {
              if (f5 === 1) times.push(s5); // Event.time_unix_nano
            });
        });
      });
    });
  });
  if (spanTails.size !== spans) throw new Error('two spans share the last 4 bytes of their id');
  let base = BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000n;
  for (const t of times) {
    const v = body.readBigUInt64LE(t);
    if (v < base) base = v;
  }
  return { body, spans, ids, times, baseNs: base };
}

/**
 * A copy of the template's body with send number `seq` in the first 4 bytes of every id
 * (so span ids are unique per send, and `substring(SpanId, 1, 8)` is `seqHex(seq)`) and its
 * earliest time moved to `nowMs`.
 */
export function stamp(template, seq, nowMs = Date.now()) {
  const out = Buffer.from(template.body);
  for (const off of template.ids) out.writeUInt32BE(seq >>> 0, off);
  const shift = BigInt(Math.round(nowMs)) * 1_000_000n - template.baseNs;
  for (const off of template.times) out.writeBigUInt64LE(out.readBigUInt64LE(off) + shift, off);
  return out;
}

/** The hex prefix `stamp` gives the span ids of send `seq` (lowercase, 8 digits). */
export const seqHex = (seq) => (seq >>> 0).toString(16).padStart(8, '0');
