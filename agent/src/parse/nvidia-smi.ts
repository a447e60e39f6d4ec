/**
 * Pure parsers for `nvidia-smi` output: the field list of `--help-query-gpu`, CSV rows of
 * `--query-gpu` / `--query-compute-apps` (`--format=csv,noheader,nounits`), `dmon -s t`
 * rows, and the tool's error messages. No I/O; fixtures in `__fixtures__/`.
 */

/**
 * Field names listed by `nvidia-smi --help-query-gpu` (or `--help-query-compute-apps`):
 * every quoted name on a line that starts with a quote, aliases included
 * (`"name" or "gpu_name"` yields both).
 */
export function parseHelpQuery(text: string): Set<string> {
  const fields = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('"')) continue;
    for (const m of line.matchAll(/"([^"]+)"/g)) {
      if (m[1]) fields.add(m[1]);
    }
  }
  return fields;
}

/**
 * Splits one CSV row as nvidia-smi prints it: cells separated by ", ", never quoted. When a
 * row has more cells than columns (a process name containing ", "), the extra cells are
 * joined back into the column at `joinAt`.
 */
export function splitRow(line: string, columns: number, joinAt = columns - 1): string[] {
  const cells = line.split(', ');
  if (cells.length <= columns) return cells.map((c) => c.trim());
  const extra = cells.length - columns;
  const joined = cells.slice(joinAt, joinAt + extra + 1).join(', ');
  return [...cells.slice(0, joinAt), joined, ...cells.slice(joinAt + extra + 1)].map((c) =>
    c.trim(),
  );
}

/** One parsed row: raw cell text by requested field name. */
export type Row = Readonly<Record<string, string>>;

/** Parses a CSV row into a record keyed by the requested field names; `undefined` if malformed. */
export function parseRow(
  line: string,
  fields: readonly string[],
  joinAt?: number,
): Row | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  const cells = splitRow(trimmed, fields.length, joinAt);
  if (cells.length !== fields.length) return undefined;
  const row: Record<string, string> = {};
  fields.forEach((f, i) => {
    row[f] = cells[i] ?? '';
  });
  return row;
}

/**
 * True for the placeholders nvidia-smi prints instead of a value: `[N/A]`, `N/A`,
 * `[Not Supported]`, `[Unknown Error]`, `[Insufficient Permissions]`, `[GPU is lost]`,
 * `[Requested functionality has been deprecated]`, and empty cells.
 */
export function isMissing(raw: string | undefined): boolean {
  if (raw === undefined) return true;
  const v = raw.trim();
  return v === '' || v === 'N/A' || (v.startsWith('[') && v.endsWith(']'));
}

/**
 * Numeric value of a cell, or `undefined` for placeholders and non-numbers. Accepts a
 * trailing unit (`85.12 W`, `143771 MiB`, `45 %`) in case "nounits" was not honoured, and
 * hex bitmasks (`0x0000000000000004`).
 */
export function parseNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || isMissing(raw)) return undefined;
  const v = raw.trim();
  // Most cells are plain decimals: ~300 per collection with 8 GPUs, so no regex for them.
  if (isPlainDecimal(v)) return Number(v);
  if (/^0x[0-9a-f]+$/i.test(v)) return Number.parseInt(v, 16);
  const m = /^(-?\d+(?:\.\d+)?)(?:\s*[A-Za-z%/]+)?$/.exec(v);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** `-?\d+(\.\d+)?` without a regex. */
function isPlainDecimal(v: string): boolean {
  let i = v.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let dot = -1;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dot < 0 && digits > 0) dot = i;
    else return false;
  }
  return digits > 0 && dot !== v.length - 1;
}

/** Text value of a cell, or `undefined` for placeholders. */
export function parseText(raw: string | undefined): string | undefined {
  return raw === undefined || isMissing(raw) ? undefined : raw.trim();
}

/** Performance state `P0`..`P15` as a number. */
export function parsePstate(raw: string | undefined): number | undefined {
  const m = raw === undefined ? null : /^P(\d+)$/.exec(raw.trim());
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The field named in `Field "x" is not a valid field to query.`, if the output says so. */
export function unknownFieldError(output: string): string | undefined {
  return /Field "([^"]+)" is not a valid field to query/.exec(output)?.[1];
}

/** True when nvidia-smi reports that the driver sees no GPU. */
export function isNoDevices(output: string): boolean {
  return /No devices were found/i.test(output);
}

/** One `nvidia-smi dmon -s t` row: PCIe throughput in MB/s per GPU index. */
export interface DmonThroughput {
  readonly index: number;
  readonly rxMBps: number | undefined;
  readonly txMBps: number | undefined;
}

/** Parses a `dmon -s t` line; header lines (`#`) and malformed lines yield `undefined`. */
export function parseDmonThroughput(line: string): DmonThroughput | undefined {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return undefined;
  const [idx, rx, tx] = t.split(/\s+/);
  const index = Number(idx);
  if (!Number.isInteger(index)) return undefined;
  const num = (v: string | undefined) => (v === undefined || v === '-' ? undefined : Number(v));
  const rxMBps = num(rx);
  const txMBps = num(tx);
  return {
    index,
    rxMBps: Number.isFinite(rxMBps) ? rxMBps : undefined,
    txMBps: Number.isFinite(txMBps) ? txMBps : undefined,
  };
}
