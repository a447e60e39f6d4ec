import { ByteSink } from './byte-sink.js';
import type { Column } from './columns.js';

/**
 * One Native-format block under construction for one table: the rows of many requests
 * accumulate here until the ingest batcher flushes it as a single insert.
 */
export class NativeBlock {
  rows = 0;
  private readonly header = new ByteSink(1024);

  /** Set once by the table's subclass constructor, in block order. */
  columns: readonly Column[] = [];

  constructor(readonly table: string) {}

  /** Column names in block order, for `INSERT INTO t (...)`. */
  columnNames(): string[] {
    return this.columns.map((c) => c.name);
  }

  /**
   * The current write position of every column, to roll back to. Decoders pass a scratch
   * array that they reuse for every record, so marking allocates nothing.
   */
  mark(into: number[] = []): number[] {
    into.length = 0;
    into.push(this.rows);
    for (const c of this.columns) c.save(into);
    return into;
  }

  rollback(mark: number[]): void {
    this.rows = mark[0]!;
    let i = 1;
    for (const c of this.columns) i = c.restore(mark, i);
  }

  /** Bytes held by the columns. */
  size(): number {
    let n = 0;
    for (const c of this.columns) n += c.size();
    return n;
  }

  /** The block as Native bytes: views into the column sinks, valid until the next append. */
  encode(): Buffer[] {
    const h = this.header;
    h.reset();
    h.varint(this.columns.length);
    h.varint(this.rows);
    const cuts: number[] = [];
    for (const c of this.columns) {
      h.string(c.name);
      h.string(c.type);
      cuts.push(h.len);
    }
    const out: Buffer[] = [];
    let from = 0;
    this.columns.forEach((c, i) => {
      out.push(h.buf.subarray(from, cuts[i]));
      from = cuts[i]!;
      c.encode(out);
    });
    return out;
  }

  reset(): void {
    this.rows = 0;
    for (const c of this.columns) c.reset();
  }
}
