import type { ByteSink } from '../../storage/native/byte-sink.js';
import type { MapColumn } from '../../storage/native/columns.js';
import { doubleToString, type RawValue, rawToJson } from '../format-value.js';
import type { AttributeLimits } from '../outcome.js';
import { MAX_VALUE_DEPTH } from '../protobuf/attributes.js';
import { EncodedAttributes } from '../protobuf/resource.js';
import {
  array,
  base64,
  boolean,
  double,
  eachObject,
  int64Text,
  type JsonObject,
  JsonShapeError,
  object,
  string,
  within,
} from './values.js';

/**
 * An `AnyValue` flattened to the string the exporter stores (see `format-value.ts`): the
 * same text the protobuf decoder writes for the same value. Absent or empty: `''`.
 */
export function anyValueString(v: unknown): string {
  if (v == null) return '';
  const o = object(v, '');
  let x = o.stringValue ?? o.string_value;
  if (x != null) return string(x, 'stringValue');
  x = o.boolValue ?? o.bool_value;
  if (x != null) return boolean(x, 'boolValue') ? 'true' : 'false';
  x = o.intValue ?? o.int_value;
  if (x != null) return int64Text(x, 'intValue');
  x = o.doubleValue ?? o.double_value;
  if (x != null) return doubleToString(double(x, 'doubleValue'));
  x = o.arrayValue ?? o.array_value;
  if (x != null) {
    try {
      return rawToJson(arrayRaw(x, 1));
    } catch (e) {
      throw within(e, 'arrayValue');
    }
  }
  x = o.kvlistValue ?? o.kvlist_value;
  if (x != null) {
    try {
      return rawToJson(kvlistRaw(x, 1));
    } catch (e) {
      throw within(e, 'kvlistValue');
    }
  }
  x = o.bytesValue ?? o.bytes_value;
  if (x != null) return base64(x, 'bytesValue');
  return '';
}

function anyValueRaw(v: unknown, depth: number): RawValue {
  if (v == null) return null;
  const o = object(v, '');
  let x = o.stringValue ?? o.string_value;
  if (x != null) return string(x, 'stringValue');
  x = o.boolValue ?? o.bool_value;
  if (x != null) return boolean(x, 'boolValue');
  x = o.intValue ?? o.int_value;
  if (x != null) {
    const text = int64Text(x, 'intValue');
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : { int64: text };
  }
  x = o.doubleValue ?? o.double_value;
  if (x != null) return double(x, 'doubleValue');
  x = o.arrayValue ?? o.array_value;
  if (x != null) {
    try {
      return arrayRaw(x, depth + 1);
    } catch (e) {
      throw within(e, 'arrayValue');
    }
  }
  x = o.kvlistValue ?? o.kvlist_value;
  if (x != null) {
    try {
      return kvlistRaw(x, depth + 1);
    } catch (e) {
      throw within(e, 'kvlistValue');
    }
  }
  x = o.bytesValue ?? o.bytes_value;
  if (x != null) return { bytes: base64(x, 'bytesValue') };
  return null;
}

function arrayRaw(v: unknown, depth: number): RawValue[] {
  if (depth > MAX_VALUE_DEPTH)
    throw new JsonShapeError('', `array and map values nested at most ${MAX_VALUE_DEPTH} deep`);
  const list = array(object(v, '').values, 'values');
  const out: RawValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      out[i] = anyValueRaw(list[i], depth);
    } catch (e) {
      throw within(e, 'values', i);
    }
  }
  return out;
}

function kvlistRaw(v: unknown, depth: number): { map: [string, RawValue][] } {
  if (depth > MAX_VALUE_DEPTH)
    throw new JsonShapeError('', `array and map values nested at most ${MAX_VALUE_DEPTH} deep`);
  const list = array(object(v, '').values, 'values');
  const entries: [string, RawValue][] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      const kv = object(list[i], '');
      let value: RawValue;
      try {
        value = anyValueRaw(kv.value, depth);
      } catch (e) {
        throw within(e, 'value');
      }
      entries[i] = [string(kv.key, 'key'), value];
    } catch (e) {
      throw within(e, 'values', i);
    }
  }
  return { map: entries };
}

/** True when `s` is longer than `max` bytes in UTF-8 (3 bytes per UTF-16 unit at most). */
function overBytes(s: string, max: number): boolean {
  return s.length * 3 > max && (s.length > max || Buffer.byteLength(s, 'utf8') > max);
}

/**
 * Appends the `KeyValue` `kv` to `map` as one entry, as `writeKeyValue` does for protobuf.
 * Returns false, writing nothing, when the key or the flattened value is longer than
 * `limits.maxAttributeBytes`: the caller rejects the record. Past `limits.maxAttributes`
 * entries in the open row the entry is dropped and counted.
 */
export function writeKeyValueJson(kv: unknown, map: MapColumn, limits: AttributeLimits): boolean {
  if (map.offsets.count - map.offsets.closed >= limits.maxAttributes) {
    limits.droppedAttributes++;
    return true;
  }
  const maxBytes = limits.maxAttributeBytes;
  const o = object(kv, '');
  const key = string(o.key, 'key');
  if (overBytes(key, maxBytes)) return false;
  let value: string;
  try {
    value = anyValueString(o.value);
  } catch (e) {
    throw within(e, 'value');
  }
  if (overBytes(value, maxBytes)) return false;
  map.keys.string(key);
  map.values.string(value);
  map.offsets.count++;
  return true;
}

/**
 * Writes a `repeated KeyValue` into `map` (the entries of one row, not closed); returns
 * false at the first entry over the size limit.
 */
export function writeAttributesJson(
  v: unknown,
  field: string,
  map: MapColumn,
  limits: AttributeLimits,
): boolean {
  const list = array(v, field);
  for (let i = 0; i < list.length; i++) {
    let ok: boolean;
    try {
      ok = writeKeyValueJson(list[i], map, limits);
    } catch (e) {
      throw within(e, field, i);
    }
    if (!ok) return false;
  }
  return true;
}

/** A resource's or scope's attributes, encoded once and copied into each of its rows. */
export class JsonAttributes extends EncodedAttributes {
  /** `service.name` when it is a string value, else null. */
  service: string | null = null;

  override reset(): void {
    super.reset();
    this.service = null;
  }

  /** Reads the `attributes` of `owner` (a Resource or InstrumentationScope object). */
  read(owner: JsonObject, limits: AttributeLimits): void {
    eachObject(array(owner.attributes, 'attributes'), 'attributes', (kv) => {
      if (kv.key === 'service.name' && kv.value != null) {
        const value = object(kv.value, 'value');
        const s = value.stringValue ?? value.string_value;
        if (typeof s === 'string') this.service = s;
      }
      if (!writeKeyValueJson(kv, this.map, limits)) this.ok = false;
    });
  }

  /** Writes the service name column's value for this resource. */
  override writeService(sink: ByteSink): void {
    if (this.service === null) sink.u8(0);
    else sink.string(this.service);
  }
}
