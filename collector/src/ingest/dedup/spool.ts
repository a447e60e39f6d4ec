import { mkdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type FileHeader,
  readHeaderFile,
  unlinkIfPresent,
  writeHeaderFile,
} from './header-file.js';

/** One block written down before its insert: what a restart needs to finish that insert. */
export interface SpoolEntry {
  /** File name inside the spool folder. */
  readonly file: string;
  readonly table: string;
  readonly columns: readonly string[];
  /** `insert_deduplication_token` of the insert: the same on every attempt. */
  readonly token: string;
  /** Digests of the requests whose rows the block carries. */
  readonly digests: readonly string[];
}

interface Header extends FileHeader {
  table: string;
  columns: string[];
  token: string;
  digests: string[];
}

/**
 * Blocks whose insert has started and whose request digests are not yet recorded, one
 * file each (`<time>-<token>.blk`: a JSON header line, then the block's Native bytes).
 * Written before the insert, removed once the digests are recorded, so after a crash
 * the files name exactly the inserts that may have committed wholly, partly or not at all.
 */
export class Spool {
  /**
   * @param fsync flush each file to the disk before `write` resolves (it then survives the
   *   machine, not only the process)
   */
  constructor(
    readonly dir: string,
    private readonly fsync = false,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Writes a block down (the page cache, or the disk with `fsync`). */
  async write(
    table: string,
    columns: readonly string[],
    block: readonly Buffer[],
    token: string,
    digests: readonly string[],
  ): Promise<SpoolEntry> {
    let bytes = 0;
    for (const b of block) bytes += b.length;
    const header: Header = {
      v: 1,
      table,
      columns: [...columns],
      token,
      digests: [...digests],
      bytes,
    };
    const file = `${Date.now()}-${token}.blk`;
    await writeHeaderFile(join(this.dir, file), header, block, this.fsync);
    return { file, table, columns, token, digests };
  }

  /** The Native bytes of an entry. */
  async read(entry: SpoolEntry): Promise<Buffer> {
    const data = await readFile(join(this.dir, entry.file));
    return data.subarray(data.indexOf(10) + 1);
  }

  /**
   * The entries on disk, oldest first. A file cut short (the process died while writing
   * it, so its insert never started) is removed.
   */
  async list(): Promise<SpoolEntry[]> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith('.blk')).sort();
    const out: SpoolEntry[] = [];
    for (const file of files) {
      const read = await readHeaderFile<Header>(join(this.dir, file));
      if (!read) {
        await this.remove(file);
        continue;
      }
      const { table, columns, token, digests } = read.header;
      out.push({ file, table, columns, token, digests });
    }
    return out;
  }

  /** Removes an entry's file. */
  async remove(entry: SpoolEntry | string): Promise<void> {
    await unlinkIfPresent(join(this.dir, typeof entry === 'string' ? entry : entry.file));
  }
}
