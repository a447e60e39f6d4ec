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
  /** Every sink of every column, flattened on first use: `size()` is one tight loop. */
  private sinkList: ByteSink[] | undefined;
  /** `size()` at the last `growth()` call. */
  private sizeSeen = 0;

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

  /** Bytes held by the columns. Cheap enough to call after every decoded record. */
  size(): number {
    const list = this.sinks();
    let n = 0;
    for (let i = 0; i < list.length; i++) n += list[i]!.len;
    return n;
  }

  /**
   * Bytes written since the previous call (negative when rows were rolled back below that
   * point). Lets a request charge what each of its records added with one `size()`.
   */
  growth(): number {
    const now = this.size();
    const added = now - this.sizeSeen;
    this.sizeSeen = now;
    return added;
  }

  /** Bytes allocated by the columns (at least `size()`). */
  capacity(): number {
    let n = 0;
    for (const s of this.sinks()) n += s.buf.length;
    return n;
  }

  /** Releases each column's spare capacity above `keep` bytes (see `ByteSink.trim`). */
  trim(keep: number): void {
    for (const s of this.sinks()) s.trim(keep);
  }

  private sinks(): ByteSink[] {
    if (this.sinkList === undefined) {
      const list: ByteSink[] = [];
      for (const c of this.columns) c.sinks(list);
      this.sinkList = list;
    }
    return this.sinkList;
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
