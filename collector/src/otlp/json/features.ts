import type { FeatureRows } from '../feature-rows.js';
import { boolean, double, int64Text, object, string } from './values.js';

/**
 * Second look at a span's JSON `attributes` (already validated by `writeAttributesJson`),
 * the first `max` of them as the span row kept: the keys `rows.wants()` takes have their
 * typed value recorded (the keys are strings already, so no pre-scan for drift inputs is
 * needed: a span without one records only its identifiers, and `rows.count` stays 0). See
 * protobuf/features.ts.
 */
export function collectFeaturesJson(attributes: unknown, max: number, rows: FeatureRows): void {
  if (!Array.isArray(attributes)) return;
  const n = Math.min(attributes.length, max);
  for (let i = 0; i < n; i++) {
    const kv = attributes[i] as { key?: unknown; value?: unknown } | null;
    const key = kv?.key;
    if (typeof key !== 'string' || key.length < 6 || !rows.wants(key)) continue;
    const v = scalar(kv!.value);
    if (v !== undefined) rows.value(key, v);
  }
}

/** A scalar `AnyValue` as its OTLP type; undefined for arrays, maps, bytes and empty. */
function scalar(v: unknown): number | string | boolean | undefined {
  if (v == null) return undefined;
  const o = object(v, '');
  let x = o.stringValue ?? o.string_value;
  if (x != null) return string(x, 'stringValue');
  x = o.boolValue ?? o.bool_value;
  if (x != null) return boolean(x, 'boolValue');
  x = o.intValue ?? o.int_value;
  if (x != null) return Number(int64Text(x, 'intValue'));
  x = o.doubleValue ?? o.double_value;
  if (x != null) return double(x, 'doubleValue');
  return undefined;
}
