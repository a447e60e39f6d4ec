import { ByteSink } from './byte-sink.js';

/**
 * Column writers for ClickHouse's Native format (the engine's own columnar layout):
 * a block is `varint ncols, varint nrows`, then per column its name, its type and its
 * data. Decoders append values straight into these sinks, so a request's rows are
 * serialized once, while they are decoded.
 *
 * Every column can save and restore its write position: a record rejected half-way
 * (partial_success) or a request that turns out to be truncated is rolled back without
 * copying anything.
 */
export interface Column {
  readonly name: string;
  /** The type written in the block header (the engine converts to the table's type). */
  readonly type: string;
  /** Appends this column's data (not its header) to `out`. */
  encode(out: Buffer[]): void;
  /** Bytes held. */
  size(): number;
  /** Pushes the sinks whose bytes `size()` counts, so a block can sum them in one loop. */
  sinks(into: ByteSink[]): void;
  /** Pushes the write position onto `mark`. */
  save(mark: number[]): void;
  /** Restores the position saved at `mark[i]`; returns the next index. */
  restore(mark: number[], i: number): number;
  reset(): void;
}

/** A column with one sink: `String` or a fixed-width number. */
export class SinkColumn implements Column {
  readonly sink: ByteSink;
  constructor(
    readonly name: string,
    readonly type: string,
    initial = 4096,
  ) {
    this.sink = new ByteSink(initial);
  }
  encode(out: Buffer[]): void {
    out.push(this.sink.view());
  }
  size(): number {
    return this.sink.len;
  }
  sinks(into: ByteSink[]): void {
    into.push(this.sink);
  }
  save(mark: number[]): void {
    mark.push(this.sink.len);
  }
  restore(mark: number[], i: number): number {
    this.sink.len = mark[i]!;
    return i + 1;
  }
  reset(): void {
    this.sink.reset();
  }
}

/**
 * Cumulative UInt64 offsets shared by the columns of one `Nested` group (or owned by a
 * single Array/Map column): `count` is the number of elements written so far.
 */
export class Offsets {
  readonly sink = new ByteSink(1024);
  count = 0;
  /** `count` when the last row was closed: `count - closed` elements are in the open row. */
  closed = 0;
  /** Closes the current row (or element) after `count` elements in total. */
  end(): void {
    this.sink.u64n(this.count);
    this.closed = this.count;
  }
  save(mark: number[]): void {
    mark.push(this.sink.len, this.count);
  }
  restore(mark: number[], i: number): number {
    this.sink.len = mark[i]!;
    // Marks are taken between rows, so the restored count is also the last closed one.
    this.count = this.closed = mark[i + 1]!;
    return i + 2;
  }
  reset(): void {
    this.sink.reset();
    this.count = 0;
    this.closed = 0;
  }
}

/**
 * `Map(String, String)` (stored as `Map(LowCardinality(String), String)`): offsets, then
 * all keys, then all values. Add pairs with `keys`/`values` and `offsets.count++`, then
 * close the row with `offsets.end()`.
 */
export class MapColumn implements Column {
  readonly type = 'Map(String, String)';
  readonly offsets = new Offsets();
  readonly keys = new ByteSink();
  readonly values = new ByteSink();
  constructor(readonly name: string) {}
  encode(out: Buffer[]): void {
    out.push(this.offsets.sink.view(), this.keys.view(), this.values.view());
  }
  size(): number {
    return this.offsets.sink.len + this.keys.len + this.values.len;
  }
  sinks(into: ByteSink[]): void {
    into.push(this.offsets.sink, this.keys, this.values);
  }
  save(mark: number[]): void {
    this.offsets.save(mark);
    mark.push(this.keys.len, this.values.len);
  }
  restore(mark: number[], i: number): number {
    const j = this.offsets.restore(mark, i);
    this.keys.len = mark[j]!;
    this.values.len = mark[j + 1]!;
    return j + 2;
  }
  reset(): void {
    this.offsets.reset();
    this.keys.reset();
    this.values.reset();
  }
}

/**
 * `Array(T)` whose offsets may be shared with sibling columns of a `Nested` group
 * (`Events.Timestamp`, `Events.Name`, ... all have the same offsets).
 */
export class ArrayColumn<C extends Column> implements Column {
  readonly type: string;
  constructor(
    readonly name: string,
    readonly offsets: Offsets,
    readonly inner: C,
    private readonly ownsOffsets: boolean,
  ) {
    this.type = `Array(${inner.type})`;
  }
  encode(out: Buffer[]): void {
    out.push(this.offsets.sink.view());
    this.inner.encode(out);
  }
  size(): number {
    return (this.ownsOffsets ? this.offsets.sink.len : 0) + this.inner.size();
  }
  sinks(into: ByteSink[]): void {
    if (this.ownsOffsets) into.push(this.offsets.sink);
    this.inner.sinks(into);
  }
  save(mark: number[]): void {
    if (this.ownsOffsets) this.offsets.save(mark);
    this.inner.save(mark);
  }
  restore(mark: number[], i: number): number {
    const j = this.ownsOffsets ? this.offsets.restore(mark, i) : i;
    return this.inner.restore(mark, j);
  }
  reset(): void {
    if (this.ownsOffsets) this.offsets.reset();
    this.inner.reset();
  }
}
