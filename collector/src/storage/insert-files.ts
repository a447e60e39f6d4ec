import { closeSync, openSync, writevSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Paths of the files the embedded engine reads its inserts from, reused from one insert to
 * the next: rewriting an existing file spares the file system an inode per insert (on ext4
 * without a journal, creating a file scans past every recently freed inode, and the engine
 * frees many as it merges parts). A path is handed to one insert at a time.
 */
export class InsertFiles {
  private readonly free = new Map<string, string[]>();
  private seq = 0;

  constructor(private readonly dir: string) {}

  /** A path for one insert into `table`; give it back with {@link InsertFiles.release}. */
  take(table: string): string {
    return this.free.get(table)?.pop() ?? join(this.dir, `${table}-${this.seq++}.native`);
  }

  /** Makes `path` (from `take(table)`) available to the table's next insert. */
  release(table: string, path: string): void {
    let paths = this.free.get(table);
    if (!paths) {
      paths = [];
      this.free.set(table, paths);
    }
    paths.push(path);
  }
}

/**
 * Writes `chunks` to `path` (created or truncated) on the calling thread: for writes into
 * the page cache, where a few ms of copying costs less than waiting for the event loop's
 * turns (see `writeHeaderFile`).
 */
export function writeChunksSync(path: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(path, 'w');
  try {
    // libuv writes every chunk, looping over short writes and the iovec limit.
    writevSync(fd, chunks as Uint8Array[]);
  } finally {
    closeSync(fd);
  }
}
