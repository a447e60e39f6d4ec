import { open, readFile, unlink } from 'node:fs/promises';
import { writeChunksSync } from '../../storage/insert-files.js';

/** What every spool file's header line holds besides its own fields. */
export interface FileHeader {
  v: 1;
  /** Length of the payload after the header line: a shorter file was cut mid-write. */
  bytes: number;
}

/**
 * Writes `header` as a JSON line followed by `payload` (the spool's and the request WAL's
 * file format), synced to the disk when `fsync`.
 *
 * Without `fsync` the write only copies into the page cache (a few ms for a large batch),
 * so it runs on the calling thread: done asynchronously, its open, write and close each
 * waited for a turn of the event loop behind every request decoded meanwhile, 40-45 ms per
 * spool write at the ingest benchmark's maximum rate, on the path of every insert
 * (docs/benchmarks.md, "Ingest", session 38). A sync to the disk can take far longer and
 * stays off the event loop.
 */
export async function writeHeaderFile(
  path: string,
  header: FileHeader,
  payload: readonly Uint8Array[],
  fsync: boolean,
): Promise<void> {
  const chunks = [headerLine(header), ...payload];
  if (!fsync) {
    writeChunksSync(path, chunks);
    return;
  }
  const fh = await open(path, 'w');
  try {
    await fh.writev(chunks);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Reads a file written by {@link writeHeaderFile}: its header and payload, or undefined when
 * it is missing, unreadable or cut short (the process died while writing it).
 */
export async function readHeaderFile<H extends FileHeader>(
  path: string,
): Promise<{ header: H; payload: Buffer } | undefined> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch {
    return undefined;
  }
  const records = parseHeaderRecords<H>(data);
  const only = records[0];
  if (records.length !== 1 || only!.offset + only!.header.bytes !== data.length) return undefined;
  return { header: only!.header, payload: data.subarray(only!.offset) };
}

/** A header's line: its JSON and a newline, written before its payload. */
export function headerLine(header: FileHeader): Buffer {
  return Buffer.from(`${JSON.stringify(header)}\n`);
}

/**
 * The whole records of `data`, one after another (the request WAL's segments hold many):
 * each header with the offset of its payload. Stops at the first record cut short or
 * unreadable.
 */
export function parseHeaderRecords<H extends FileHeader>(
  data: Buffer,
): Array<{ header: H; offset: number }> {
  const out: Array<{ header: H; offset: number }> = [];
  let at = 0;
  while (at < data.length) {
    const nl = data.indexOf(10, at);
    if (nl < 0) break;
    let header: H | undefined;
    try {
      header = JSON.parse(data.subarray(at, nl).toString()) as H;
    } catch {
      break;
    }
    const offset = nl + 1;
    if (header?.v !== 1 || !Number.isSafeInteger(header.bytes) || header.bytes < 0) break;
    if (offset + header.bytes > data.length) break;
    out.push({ header, offset });
    at = offset + header.bytes;
  }
  return out;
}

/**
 * Removes a file, and is done when it is gone already. `rm({force: true})` would do the
 * same through a recursive remover that stats the path first: measured under overload,
 * that cost 2% of the event loop for the files removed there (one per request).
 */
export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
