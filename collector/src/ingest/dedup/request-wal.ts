import { mkdirSync } from 'node:fs';
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { OtlpEncoding, Signal } from '../../otlp/http.js';
import {
  type FileHeader,
  readHeaderFile,
  unlinkIfPresent,
  writeHeaderFile,
} from './header-file.js';

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

/**
 * Requests answered before their rows were inserted (`--ack-after spool`), one file each
 * (`<time>-<n>.req`: a JSON header line, then the decompressed body). Written before the
 * answer, removed once the request's rows are spooled as blocks (the ingest dedup's spool
 * then holds them) or stored. A restart ingests every file left again, before it
 * listens; the request digests make a request whose rows were stored meanwhile a no-op.
 */
export class RequestWal {
  private seq = 0;
  /** Requests written down since start (self-metrics). */
  written = 0;
  /** Files written or found and not yet removed: answered requests not yet spooled. */
  private readonly held = new Set<string>();

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

  /** Writes a request down; resolves with its file name once written. */
  async write(r: WalRequest): Promise<string> {
    const header: Header = {
      v: 1,
      projectId: r.projectId,
      signal: r.signal,
      encoding: r.encoding,
      bytes: r.body.length,
    };
    const file = `${Date.now()}-${(this.seq++).toString(36).padStart(6, '0')}.req`;
    await writeHeaderFile(join(this.dir, file), header, [r.body], this.fsync);
    this.held.add(file);
    this.written++;
    return file;
  }

  /** Answered requests whose rows are not yet spooled or stored (self-metrics). */
  get pending(): number {
    return this.held.size;
  }

  /** Removes a request's file. */
  async remove(file: string): Promise<void> {
    this.held.delete(file);
    await unlinkIfPresent(join(this.dir, file));
  }

  /**
   * Sets a request aside (`<file>.undecodable`, no longer listed) when it cannot be ingested
   * again: it was answered, so it is kept for an operator rather than deleted.
   */
  async setAside(file: string): Promise<string> {
    const to = `${file}.undecodable`;
    this.held.delete(file);
    await rename(join(this.dir, file), join(this.dir, to));
    return to;
  }

  /**
   * The requests on disk, oldest first, with their file names. A file cut short (the
   * process died while writing it, so it was never answered) is removed.
   */
  async list(): Promise<Array<{ file: string; request: WalRequest }>> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith('.req')).sort();
    const out: Array<{ file: string; request: WalRequest }> = [];
    for (const file of files) {
      const request = await this.read(file);
      if (request) {
        this.held.add(file);
        out.push({ file, request });
      }
    }
    return out;
  }

  /** One request by its file name; undefined (and the file removed) when it is cut short. */
  async read(file: string): Promise<WalRequest | undefined> {
    const read = await readHeaderFile<Header>(join(this.dir, file));
    if (!read) {
      await this.remove(file);
      return undefined;
    }
    const { projectId, signal, encoding } = read.header;
    return { projectId, signal, encoding, body: read.payload };
  }
}
