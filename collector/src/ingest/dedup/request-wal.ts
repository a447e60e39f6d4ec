import { closeSync, fdatasync, mkdirSync, openSync, writev, writevSync } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OtlpEncoding, Signal } from '../../otlp/http.js';
import {
  type FileHeader,
  headerLine,
  parseHeaderRecords,
  unlinkIfPresent,
  writeHeaderFile,
} from './header-file.js';

const writevAsync = promisify(writev);
const fdatasyncAsync = promisify(fdatasync);

/**
 * A segment takes new records for at most this long, and up to {@link SEGMENT_BYTES}: one
 * file created (and later removed) per second of traffic instead of one per request.
 * Creating a file was 7% of the event loop at half the ingest benchmark's maximum rate (the
 * engine frees many inodes as it merges parts, and ext4 scans past them on every create).
 */
const SEGMENT_MS = 1000;
const SEGMENT_BYTES = 64 * 1024 * 1024;

/** One answered OTLP request as written down: what a restart needs to ingest it again. */
export interface WalRequest {
  readonly projectId: string;
  readonly signal: Signal;
  readonly encoding: OtlpEncoding;
  /** The decompressed body. */
  readonly body: Uint8Array;
}

interface Header extends FileHeader {
  projectId: string;
  signal: Signal;
  encoding: OtlpEncoding;
}

/** Where one request is written: what `remove`, `read` and `setAside` take. */
export interface WalEntry {
  /** The segment file's name. */
  readonly segment: string;
  /** Offset of the request's body in the segment. */
  readonly offset: number;
  readonly header: Readonly<Header>;
}

/** A segment file and the requests in it that are still held. */
interface Segment {
  readonly name: string;
  readonly openedAt: number;
  /** Open while the segment takes new records. */
  fd: number | undefined;
  bytes: number;
  /** Records written (or being written) and not yet removed. */
  held: number;
  sealed: boolean;
  /** Records queued or being written into it (`fsync`): its descriptor stays open for them. */
  writing: number;
  /** A write into it failed: records queued behind that one are refused. */
  failed: boolean;
}

interface QueuedWrite {
  readonly segment: Segment;
  readonly chunks: Uint8Array[];
  readonly position: number;
  resolve(): void;
  reject(err: unknown): void;
}

/** A log name for an entry. */
export function walEntryName(e: WalEntry): string {
  return `${e.segment}@${e.offset}`;
}

/**
 * Requests answered before their rows were inserted (`--ack-after spool`), appended to
 * segment files (`<time>-<n>.wal`: records of a JSON header line, then the decompressed
 * body). A request is written before the answer and removed once its rows are spooled as
 * blocks (the ingest dedup's spool then holds them) or stored; a segment file is deleted
 * once it takes no more records and holds none. A restart ingests every record left
 * again, before it listens: the request digests make one whose rows were stored meanwhile
 * a no-op. (A `.req` file of an earlier version is a segment of one record.)
 *
 * Without `fsync` a record is written on the calling thread (a copy into the page cache,
 * see `writeHeaderFile`); with it, the records that arrive while one sync runs are written
 * and synced together after it, in order, so no answered record follows an unwritten one.
 */
export class RequestWal {
  private seq = 0;
  /** Requests written down since start (self-metrics). */
  written = 0;
  private readonly segments = new Map<string, Segment>();
  private current: Segment | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly queue: QueuedWrite[] = [];
  private syncing = false;

  private readonly segmentMs: number;
  private readonly segmentBytes: number;

  /**
   * @param fsync flush each record to the disk before `write` resolves (it then survives
   *   the machine, not only the process)
   * @param segment how long and how large a segment takes new records (tests shorten them)
   */
  constructor(
    readonly dir: string,
    private readonly fsync = false,
    segment: { ms?: number; bytes?: number } = {},
  ) {
    this.segmentMs = segment.ms ?? SEGMENT_MS;
    this.segmentBytes = segment.bytes ?? SEGMENT_BYTES;
    mkdirSync(dir, { recursive: true });
  }

  /** Writes a request down; resolves with where it is once written. */
  async write(r: WalRequest): Promise<WalEntry> {
    const header: Header = {
      v: 1,
      projectId: r.projectId,
      signal: r.signal,
      encoding: r.encoding,
      bytes: r.body.length,
    };
    const line = headerLine(header);
    const segment = this.segmentFor(line.length + r.body.length);
    const position = segment.bytes;
    segment.bytes += line.length + r.body.length;
    segment.held++;
    try {
      if (this.fsync) await this.enqueue(segment, [line, r.body], position);
      else writevSync(segment.fd!, [line, r.body], position);
    } catch (err) {
      // Part of it may be there: nothing more goes after it (a restart reads up to it).
      segment.failed = true;
      this.seal(segment);
      void this.release(segment);
      throw err;
    }
    this.written++;
    return { segment: segment.name, offset: position + line.length, header };
  }

  /** Answered requests whose rows are not yet spooled or stored (self-metrics). */
  get pending(): number {
    let n = 0;
    for (const s of this.segments.values()) n += s.held;
    return n;
  }

  /** Removes a request: its rows are spooled or stored. */
  async remove(entry: WalEntry): Promise<void> {
    const segment = this.segments.get(entry.segment);
    if (segment) await this.release(segment);
  }

  /**
   * Sets a request aside (`<segment>-<offset>.undecodable`, a file of its own that is not
   * listed) when it cannot be ingested again: it was answered, so it is kept for an
   * operator rather than deleted. Resolves with the file's name.
   */
  async setAside(entry: WalEntry): Promise<string> {
    const request = await this.read(entry);
    const file = `${entry.segment}-${entry.offset}.undecodable`;
    if (request) await writeHeaderFile(join(this.dir, file), entry.header, [request.body], true);
    await this.remove(entry);
    return file;
  }

  /**
   * The requests on disk, oldest first. A record cut short (the process died while writing
   * it, so it was never answered) ends its segment; a segment without a whole record is
   * removed. Run once, before the first `write`.
   */
  async list(): Promise<Array<{ entry: WalEntry; request: WalRequest }>> {
    const names = (await readdir(this.dir))
      .filter((f) => f.endsWith('.wal') || f.endsWith('.req'))
      .sort();
    const out: Array<{ entry: WalEntry; request: WalRequest }> = [];
    for (const name of names) {
      const data = await readFile(join(this.dir, name)).catch(() => undefined);
      const records = data ? parseHeaderRecords<Header>(data) : [];
      if (records.length === 0) {
        await unlinkIfPresent(join(this.dir, name));
        continue;
      }
      this.segments.set(name, {
        name,
        openedAt: 0,
        fd: undefined,
        bytes: data!.length,
        held: records.length,
        sealed: true,
        writing: 0,
        failed: false,
      });
      for (const { header, offset } of records) {
        const { projectId, signal, encoding, bytes } = header;
        out.push({
          entry: { segment: name, offset, header },
          request: { projectId, signal, encoding, body: data!.subarray(offset, offset + bytes) },
        });
      }
    }
    return out;
  }

  /** One request again; undefined (and the request removed) when it cannot be read. */
  async read(entry: WalEntry): Promise<WalRequest | undefined> {
    const { projectId, signal, encoding, bytes } = entry.header;
    const body = Buffer.alloc(bytes);
    let read = -1;
    try {
      const fh = await open(join(this.dir, entry.segment), 'r');
      try {
        read = (await fh.read(body, 0, bytes, entry.offset)).bytesRead;
      } finally {
        await fh.close();
      }
    } catch {
      read = -1;
    }
    if (read !== bytes) {
      await this.remove(entry);
      return undefined;
    }
    return { projectId, signal, encoding, body };
  }

  /**
   * Writes a held request anew into the open segment and releases its old record, so that a
   * request retried for long does not keep its old segment on disk with the stored requests
   * beside it (a start ingests those again, and past the request digests' window would
   * store them twice). Resolves with its new place and the request (the old place when it
   * cannot be written), or undefined when it cannot be read.
   */
  async renew(entry: WalEntry): Promise<{ entry: WalEntry; request: WalRequest } | undefined> {
    const request = await this.read(entry);
    if (!request) return undefined;
    let renewed: WalEntry;
    try {
      renewed = await this.write(request);
    } catch {
      return { entry, request };
    }
    await this.remove(entry);
    return { entry: renewed, request };
  }

  /**
   * Stops taking records and closes the open segment; the records still held stay on disk
   * for the next start.
   */
  close(): void {
    if (this.current) this.seal(this.current);
    clearTimeout(this.idleTimer);
    for (const s of this.segments.values()) this.closeFd(s);
  }

  /** The segment a record of `length` bytes goes to, starting a new one when it is due. */
  private segmentFor(length: number): Segment {
    const now = Date.now();
    const cur = this.current;
    if (cur && (now - cur.openedAt >= this.segmentMs || cur.bytes + length > this.segmentBytes)) {
      this.seal(cur);
    }
    if (this.current) return this.current;
    const name = `${now}-${(this.seq++).toString(36).padStart(6, '0')}.wal`;
    const segment: Segment = {
      name,
      openedAt: now,
      fd: openSync(join(this.dir, name), 'wx'),
      bytes: 0,
      held: 0,
      sealed: false,
      writing: 0,
      failed: false,
    };
    this.segments.set(name, segment);
    this.current = segment;
    return segment;
  }

  /** One record of `segment` is no longer held; resolves once a segment it empties is gone. */
  private release(segment: Segment): Promise<void> {
    segment.held--;
    if (segment.held > 0) return Promise.resolve();
    if (segment.sealed) return this.retire(segment);
    this.sealWhenDue(segment);
    return Promise.resolve();
  }

  /**
   * The open segment holds nothing: it is sealed (and so deleted) once its time is up, so
   * that requests whose rows are stored do not stay on disk while traffic is idle, to be
   * ingested again at a start.
   */
  private sealWhenDue(segment: Segment): void {
    clearTimeout(this.idleTimer);
    const wait = Math.max(0, segment.openedAt + this.segmentMs - Date.now());
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.current === segment && segment.held === 0) this.seal(segment);
    }, wait);
    this.idleTimer.unref();
  }

  /** Takes no more records into `segment`, and deletes it when it holds none. */
  private seal(segment: Segment): void {
    segment.sealed = true;
    if (this.current === segment) {
      this.current = undefined;
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (segment.writing === 0) this.closeFd(segment);
    if (segment.held === 0) void this.retire(segment);
  }

  /** Deletes a sealed segment that holds no record (once). */
  private async retire(segment: Segment): Promise<void> {
    if (this.segments.get(segment.name) !== segment) return;
    this.segments.delete(segment.name);
    this.closeFd(segment);
    await unlinkIfPresent(join(this.dir, segment.name)).catch(() => undefined);
  }

  private closeFd(segment: Segment): void {
    if (segment.fd === undefined) return;
    const fd = segment.fd;
    segment.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // closing is all that was left to do with it
    }
  }

  /** Queues a record for the next write-and-sync (`fsync`). */
  private enqueue(segment: Segment, chunks: Uint8Array[], position: number): Promise<void> {
    segment.writing++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ segment, chunks, position, resolve, reject });
      if (!this.syncing) void this.drain();
    });
  }

  /** Writes and syncs the queued records, each segment's in one write and one sync. */
  private async drain(): Promise<void> {
    this.syncing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      for (const segment of new Set(batch.map((q) => q.segment))) {
        const writes = batch.filter((q) => q.segment === segment);
        try {
          if (segment.failed || segment.fd === undefined) {
            throw new Error(`WAL segment ${segment.name} failed an earlier write`);
          }
          await writevAsync(
            segment.fd,
            writes.flatMap((q) => q.chunks),
            writes[0]!.position,
          );
          await fdatasyncAsync(segment.fd);
          for (const q of writes) q.resolve();
        } catch (err) {
          segment.failed = true;
          for (const q of writes) q.reject(err);
        }
        segment.writing -= writes.length;
        if (segment.sealed && segment.writing === 0) this.closeFd(segment);
      }
    }
    this.syncing = false;
  }
}
