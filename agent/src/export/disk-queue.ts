import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One buffered export request on disk. */
export interface QueueEntry {
  readonly seq: number;
  /** When the data was collected (Unix ms), for the age limit. */
  readonly createdMs: number;
  readonly bytes: number;
  readonly file: string;
}

/** Limits of the buffer; the oldest entries go first when one is exceeded. */
export interface DiskQueueLimits {
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

/** What {@link DiskQueue.append} and {@link DiskQueue.dropExpired} had to drop. */
export interface Dropped {
  readonly entries: number;
  readonly bytes: number;
}

const NAME = /^(\d{16})-(\d+)\.pb$/;

/**
 * A bounded FIFO of OTLP request bodies on disk, one file per body (`<seq>-<createdMs>.pb`),
 * replayed oldest first. Files are written to a temporary name and renamed, so a crash never
 * leaves a half-written entry; the index lives in memory and is rebuilt from the directory
 * at start, so entries left by a previous run are sent on the next.
 *
 * @example
 * const q = await DiskQueue.open('/var/lib/aiobs-agent/buffer', { maxBytes: 256 << 20, maxAgeMs: 86_400_000 });
 * await q.append(body, Date.now());
 * const oldest = q.peek();
 */
export class DiskQueue {
  private readonly entries: QueueEntry[] = [];
  private totalBytes = 0;
  private nextSeq = 1;

  private constructor(
    readonly dir: string,
    readonly limits: DiskQueueLimits,
  ) {}

  /** Opens (creating if needed) a queue directory and indexes what is already there. */
  static async open(dir: string, limits: DiskQueueLimits): Promise<DiskQueue> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const q = new DiskQueue(dir, limits);
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        await rm(join(dir, name), { force: true });
        continue;
      }
      const m = NAME.exec(name);
      if (!m) continue;
      const size = (await stat(join(dir, name))).size;
      const entry = {
        seq: Number(m[1]),
        createdMs: Number(m[2]),
        bytes: size,
        file: join(dir, name),
      };
      q.entries.push(entry);
      q.totalBytes += size;
      q.nextSeq = Math.max(q.nextSeq, entry.seq + 1);
    }
    return q;
  }

  /** Number of buffered requests. */
  get length(): number {
    return this.entries.length;
  }

  /** Bytes on disk. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Appends a body; drops the oldest entries if the size limit is exceeded. */
  async append(body: Uint8Array, createdMs: number): Promise<Dropped> {
    const seq = this.nextSeq++;
    const file = join(this.dir, `${String(seq).padStart(16, '0')}-${Math.round(createdMs)}.pb`);
    await writeFile(`${file}.tmp`, body, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    this.entries.push({ seq, createdMs, bytes: body.length, file });
    this.totalBytes += body.length;
    let dropped = 0;
    let droppedBytes = 0;
    while (this.totalBytes > this.limits.maxBytes && this.entries.length > 1) {
      const old = this.entries[0]!;
      await this.remove(old);
      dropped++;
      droppedBytes += old.bytes;
    }
    return { entries: dropped, bytes: droppedBytes };
  }

  /** Oldest entry, if any. */
  peek(): QueueEntry | undefined {
    return this.entries[0];
  }

  /** Up to `maxEntries` oldest entries whose sizes add up to at most `maxBytes` (at least one). */
  head(maxEntries: number, maxBytes: number): QueueEntry[] {
    const out: QueueEntry[] = [];
    let bytes = 0;
    for (const e of this.entries) {
      if (out.length >= maxEntries || (out.length > 0 && bytes + e.bytes > maxBytes)) break;
      out.push(e);
      bytes += e.bytes;
    }
    return out;
  }

  /** Reads an entry's body. */
  read(entry: QueueEntry): Promise<Buffer> {
    return readFile(entry.file);
  }

  /** Removes an entry (sent, or dropped). */
  async remove(entry: QueueEntry): Promise<void> {
    const i = this.entries.findIndex((e) => e.seq === entry.seq);
    if (i < 0) return;
    this.entries.splice(i, 1);
    this.totalBytes -= entry.bytes;
    await rm(entry.file, { force: true });
  }

  /** Drops entries collected longer than `maxAgeMs` ago. */
  async dropExpired(nowMs: number): Promise<Dropped> {
    let entries = 0;
    let bytes = 0;
    while (this.entries[0] && nowMs - this.entries[0].createdMs > this.limits.maxAgeMs) {
      const old = this.entries[0];
      await this.remove(old);
      entries++;
      bytes += old.bytes;
    }
    return { entries, bytes };
  }
}
