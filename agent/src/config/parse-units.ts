/**
 * Parses a duration: `500ms`, `10s`, `1.5s`, `1m`, `24h`, or a bare number of `bareUnit`
 * (seconds for `--interval 5`, as the CLI documents). Returns ms, or `undefined` if invalid.
 *
 * @example
 * parseDuration('10s') // 10000
 * parseDuration('5') // 5000
 */
export function parseDuration(text: string, bareUnit: 'ms' | 's' = 's'): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? bareUnit).toLowerCase();
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
  return factor === undefined ? undefined : Math.round(n * factor);
}

/**
 * Parses a size: `268435456`, `256MiB`, `1GiB`, `500MB`, `64k`. Returns bytes or `undefined`.
 */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?\s*$/i.exec(text);
  if (!m?.[1]) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const binary = unit.includes('i') || unit.length === 1;
  const power = { b: 0, k: 1, m: 2, g: 3, t: 4 }[unit[0] as 'b' | 'k' | 'm' | 'g' | 't'];
  if (power === undefined) return undefined;
  return Math.round(Number(m[1]) * (binary ? 1024 : 1000) ** power);
}

/**
 * Parses the `key=value,key2=value2` lists of OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS (values percent-decoded, per the OTel environment spec).
 */
export function parseKeyValueList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[key] = decodeURIComponent(raw);
    } catch {
      out[key] = raw;
    }
  }
  return out;
}
