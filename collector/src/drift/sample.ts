import { BadRequestError } from '../errors.js';

/**
 * Uploaded baseline samples (issue 9, item 2; docs/drift.md "Uploaded samples"): turning
 * JSON rows or CSV records into typed values per column, kept to a uniform sample of at
 * most `cap` values per column. Pure: the route feeds it rows as they are parsed.
 *
 * Types are never guessed from text. JSON: a column's type is its values' JSON type
 * (numbers numeric, strings and booleans categorical, as OTLP's int/double vs string/bool);
 * one column with both is refused. CSV: a header row names the columns and the `types`
 * parameter declares each one (`amount:numeric,country:categorical`).
 */

export type ColumnType = 'numeric' | 'categorical';

/** Most columns a sample may have. */
export const MAX_COLUMNS = 1000;
const MAX_NAME = 256;

/** A column's feature as stored: prediction outputs apart from features, prefixes dropped. */
export function columnFeature(column: string): { kind: 'feature' | 'prediction'; feature: string } {
  const name = column.startsWith('aiobs.feature.')
    ? column.slice('aiobs.feature.'.length)
    : column.startsWith('aiobs.prediction.')
      ? column.slice('aiobs.'.length)
      : column;
  if (/^prediction\.(value|label|score)$/.test(name)) return { kind: 'prediction', feature: name };
  return { kind: 'feature', feature: name };
}

function checkName(column: string, field: string): void {
  if (column.length === 0 || column.length > MAX_NAME)
    throw new BadRequestError(`column names must have 1 to ${MAX_NAME} characters`, field);
}

/**
 * Parses the CSV `types` parameter: `name:numeric,other:categorical` (names may contain
 * `:`; the type is after the last one).
 */
export function parseTypes(text: string | undefined): Map<string, ColumnType> {
  if (text === undefined || text.trim() === '')
    throw new BadRequestError(
      'types is required for CSV: each column as name:numeric or name:categorical, comma-separated',
      'types',
    );
  const out = new Map<string, ColumnType>();
  for (const part of text.split(',')) {
    const i = part.lastIndexOf(':');
    const column = part.slice(0, i).trim();
    const type = part.slice(i + 1).trim();
    if (i < 0 || (type !== 'numeric' && type !== 'categorical'))
      throw new BadRequestError(
        `types: "${part}" is not name:numeric or name:categorical`,
        'types',
      );
    checkName(column, 'types');
    if (out.has(column)) throw new BadRequestError(`types: column "${column}" twice`, 'types');
    out.set(column, type);
  }
  if (out.size > MAX_COLUMNS) throw new BadRequestError(`at most ${MAX_COLUMNS} columns`, 'types');
  return out;
}

/** A deterministic PRNG (mulberry32): the same upload keeps the same sample. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One column's values: all of them up to `cap`, beyond it a uniform sample (Algorithm R). */
class Reservoir {
  seen = 0;
  readonly values: Array<number | string> = [];
  constructor(
    readonly type: ColumnType,
    private readonly cap: number,
    private readonly rand: () => number,
  ) {}
  add(v: number | string): void {
    this.seen++;
    if (this.values.length < this.cap) this.values.push(v);
    else {
      const j = Math.floor(this.rand() * this.seen);
      if (j < this.cap) this.values[j] = v;
    }
  }
}

/** A typed value row as `aiobs_baseline_values` takes it (less project and baseline). */
export interface SampleValue {
  kind: string;
  feature: string;
  is_numeric: 0 | 1;
  num: number;
  cat: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Collects a sample's values column by column. Feed it JSON rows ({@link addJsonRow}) or CSV
 * records after {@link setCsvHeader}; errors name the row and column
 * (`sample[3].amount` for JSON, 0-based; `rows[4].amount` for CSV, 1-based data rows).
 */
export class SampleCollector {
  private readonly columns = new Map<string, Reservoir>();
  private header: Array<{ name: string; type: ColumnType }> = [];
  private readonly rand = mulberry32(0x9e3779b9);
  rows = 0;

  constructor(private readonly cap: number) {}

  private column(name: string, type: ColumnType, field: string): Reservoir {
    let r = this.columns.get(name);
    if (!r) {
      checkName(name, field);
      if (this.columns.size >= MAX_COLUMNS)
        throw new BadRequestError(`at most ${MAX_COLUMNS} columns`, field);
      r = new Reservoir(type, this.cap, this.rand);
      this.columns.set(name, r);
    } else if (r.type !== type)
      throw new BadRequestError(
        `column "${name}" has ${r.type} values in earlier rows and a ${type} value here; a column has one type`,
        field,
      );
    return r;
  }

  /** One JSON row: an object of column → number | string | boolean | null. */
  addJsonRow(row: unknown, index: number): void {
    const at = `sample[${index}]`;
    if (row === null || typeof row !== 'object' || Array.isArray(row))
      throw new BadRequestError('each sample row must be an object of column → value', at);
    this.rows++;
    for (const [name, v] of Object.entries(row)) {
      const field = `${at}.${name}`;
      if (v === null) continue;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new BadRequestError('numbers must be finite', field);
        this.column(name, 'numeric', field).add(v);
      } else if (typeof v === 'string') this.column(name, 'categorical', field).add(v);
      else if (typeof v === 'boolean') this.column(name, 'categorical', field).add(String(v));
      else throw new BadRequestError('values must be numbers, strings, booleans or null', field);
    }
  }

  /** The CSV header: every column must be declared in `types`, and every declared one present. */
  setCsvHeader(header: string[], types: Map<string, ColumnType>): void {
    const seen = new Set<string>();
    for (const name of header) {
      if (seen.has(name)) throw new BadRequestError(`header: column "${name}" twice`, 'header');
      seen.add(name);
      const type = types.get(name);
      if (type === undefined)
        throw new BadRequestError(`types does not declare column "${name}" of the header`, 'types');
      this.column(name, type, 'header');
    }
    for (const name of types.keys())
      if (!seen.has(name))
        throw new BadRequestError(`types declares "${name}", which the header lacks`, 'types');
    this.header = header.map((name) => ({ name, type: types.get(name)! }));
  }

  /** One CSV data record (its 1-based number among data rows); empty cells are missing. */
  addCsvRecord(record: string[], n: number): void {
    this.rows++;
    for (const [i, col] of this.header.entries()) {
      const cell = record[i] ?? '';
      if (cell === '') continue;
      const r = this.columns.get(col.name)!;
      if (col.type === 'numeric') {
        const x = Number(cell);
        if (!NUMBER.test(cell) || !Number.isFinite(x))
          throw new BadRequestError(
            `row ${n}, column "${col.name}": "${cell.slice(0, 40)}" is not a number (declared numeric)`,
            `rows[${n}].${col.name}`,
          );
        r.add(x);
      } else r.add(cell);
    }
  }

  /** How each column was typed (stored with the baseline). */
  types(): Record<string, ColumnType> {
    return Object.fromEntries([...this.columns].map(([name, r]) => [name, r.type]));
  }

  /** Values seen per column before sampling. */
  seen(): Record<string, number> {
    return Object.fromEntries([...this.columns].map(([name, r]) => [name, r.seen]));
  }

  /** The kept values, as rows. */
  *values(): Generator<SampleValue> {
    for (const [name, r] of this.columns) {
      const { kind, feature } = columnFeature(name);
      const numeric = r.type === 'numeric';
      for (const v of r.values)
        yield numeric
          ? { kind, feature, is_numeric: 1, num: v as number, cat: '' }
          : { kind, feature, is_numeric: 0, num: 0, cat: v as string };
    }
  }
}
