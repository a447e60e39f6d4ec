import { open, readFile } from 'node:fs/promises';

/** What every spool file's header line holds besides its own fields. */
export interface FileHeader {
  v: 1;
  /** Length of the payload after the header line: a shorter file was cut mid-write. */
  bytes: number;
}

/**
 * Writes `header` as a JSON line followed by `payload` (the spool's and the request WAL's
 * file format), synced to the disk when `fsync`.
 */
export async function writeHeaderFile(
  path: string,
  header: FileHeader,
  payload: readonly Uint8Array[],
  fsync: boolean,
): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writev([Buffer.from(`${JSON.stringify(header)}\n`), ...payload]);
    if (fsync) await fh.sync();
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
  const nl = data.indexOf(10);
  let header: H | undefined;
  try {
    header = nl > 0 ? (JSON.parse(data.subarray(0, nl).toString()) as H) : undefined;
  } catch {
    header = undefined;
  }
  if (header?.v !== 1 || data.length - nl - 1 !== header.bytes) return undefined;
  return { header, payload: data.subarray(nl + 1) };
}
