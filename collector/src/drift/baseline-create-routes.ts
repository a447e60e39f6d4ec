import { parse as parseCsv } from 'csv-parse';
import { Hono } from 'hono';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { parseName } from '../query/params.js';
import type { Baseline, BaselineSettings, BaselinesRepo } from './baselines-repo.js';
import { parseCreate, parseSettings } from './baselines-routes.js';
import { parseTypes, SampleCollector } from './sample.js';

/** Largest body `POST /api/v1/drift/baselines` takes (the rest of the API takes 1 MiB). */
export const UPLOAD_LIMIT = 50 * 1024 * 1024;

const TYPES = ['application/json', 'text/csv', 'multipart/form-data'];

/** The body's chunks, refused with 413 past `max` bytes (whatever Content-Length said). */
async function* limited(
  body: ReadableStream<Uint8Array> | null,
  max: number,
): AsyncGenerator<Uint8Array> {
  if (!body) return;
  let n = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    n += chunk.byteLength;
    if (n > max) throw new PayloadTooLargeError(max);
    yield chunk;
  }
}

/** Reads a whole (limited) body into one buffer. */
async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/**
 * Parses CSV as it arrives into `sample`: the first record is the header, typed by `types`.
 * The parser is fed by hand so that a body over the limit or a bad cell stops both sides.
 */
async function collectCsv(
  chunks: AsyncIterable<Uint8Array>,
  types: string | undefined,
  sample: SampleCollector,
): Promise<void> {
  const declared = parseTypes(types);
  const parser = parseCsv({ bom: true, skip_empty_lines: true });
  const feed = (async () => {
    try {
      for await (const chunk of chunks) {
        if (parser.destroyed) return;
        if (!parser.write(chunk))
          await new Promise<void>((r) => {
            parser.once('drain', r);
            parser.once('close', r);
          });
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  let n = -1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (n < 0) sample.setCsvHeader(record, declared);
      else sample.addCsvRecord(record, n + 1);
      n++;
    }
  } catch (err) {
    const e = err as { code?: string; lines?: number; message: string };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_'))
      throw new BadRequestError(`CSV line ${e.lines ?? '?'}: ${e.message}`, 'body');
    throw err;
  } finally {
    parser.destroy();
    await feed;
  }
  if (n < 0) throw new BadRequestError('the CSV body is empty: a header row is required', 'body');
}

/** Settings from query or form fields (`default`, `thresholds`). */
function settingsFrom(get: (k: string) => string | undefined): Partial<BaselineSettings> {
  const raw: Record<string, unknown> = {};
  const d = get('default');
  if (d !== undefined) {
    if (d !== 'true' && d !== 'false')
      throw new BadRequestError('default must be true or false', 'default');
    raw.default = d === 'true';
  }
  const t = get('thresholds');
  if (t !== undefined) raw.thresholds = t;
  return parseSettings(raw);
}

function required(v: string | undefined, field: string): string {
  const s = parseName(v, field);
  if (s === undefined) throw new BadRequestError(`${field} is required`, field);
  return s;
}

/**
 * `POST /api/v1/drift/baselines` (docs/api.md "Drift"): a model version or time range
 * (`{"name", "model", "version"}` / `{"name", "model", "from", "to"}`), or an uploaded
 * sample, up to {@link UPLOAD_LIMIT} bytes. Mounted ahead of the API's 1 MiB body limit.
 *
 * - `application/json` `{"name", "model", "sample": [{column: value, …}, …]}`: read whole,
 *   typed by JSON type.
 * - `text/csv` with `?name=&model=&types=a:numeric,b:categorical`: parsed as it streams.
 * - `multipart/form-data` with fields `name`, `model`, `types` and a CSV file part
 *   `sample` (buffered, at most the same limit).
 *
 * Optional everywhere: `default` (make it the model's default baseline) and `thresholds`
 * (`fixed` | `reference`).
 */
export function baselineCreateRoutes(repo: BaselinesRepo, limit = UPLOAD_LIMIT) {
  const app = new Hono<AppEnv>();
  app.post('/', async function createBaseline(c) {
    const project = projectOf(c);
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!TYPES.includes(type)) throw new UnsupportedMediaTypeError(type, TYPES);
    const length = Number(c.req.header('content-length'));
    if (Number.isFinite(length) && length > limit) throw new PayloadTooLargeError(limit);
    const body = limited(c.req.raw.body, limit);

    let created: { baseline: Baseline; values: number };
    let what: string;
    let field: string;
    let model: string;
    if (type === 'application/json') {
      let json: unknown;
      const text = (await readAll(body)).toString('utf8');
      try {
        json = JSON.parse(text);
      } catch {
        throw new BadRequestError(
          'body must be JSON: {"name", "model", "version"}, {"name", "model", "from", "to"} or {"name", "model", "sample": [...]}',
        );
      }
      if (json !== null && typeof json === 'object' && 'sample' in json) {
        const { sample: rows, ...rest } = json as Record<string, unknown>;
        const head = parseUploadHead(rest);
        if (!Array.isArray(rows))
          throw new BadRequestError('sample must be an array of row objects', 'sample');
        const sample = new SampleCollector(repo.cap);
        for (const [i, r] of rows.entries()) sample.addJsonRow(r, i);
        model = head.model;
        created = await repo.createFromSample(
          project,
          head.name,
          head.model,
          sample.values(),
          sample.types(),
          head.settings,
        );
        what = 'sample';
        field = 'sample';
      } else {
        const req = parseCreate(json);
        model = req.model;
        created = await repo.create(project, req.name, req.model, req.from, req.settings);
        what = `that ${req.from.source}`;
        field = req.from.source === 'version' ? 'version' : 'from';
      }
    } else {
      const sample = new SampleCollector(repo.cap);
      let name: string;
      let settings: Partial<BaselineSettings>;
      if (type === 'text/csv') {
        const q = (k: string) => c.req.query(k);
        name = required(q('name'), 'name');
        model = required(q('model'), 'model');
        settings = settingsFrom(q);
        await collectCsv(body, q('types'), sample);
      } else {
        const form = await new Request('http://upload.invalid/', {
          method: 'POST',
          headers: { 'content-type': c.req.header('content-type')! },
          body: ReadableStream.from(body),
          duplex: 'half',
        } as RequestInit)
          .formData()
          .catch((err: unknown) => {
            if (err instanceof PayloadTooLargeError) throw err;
            throw new BadRequestError('the multipart body could not be read', 'body');
          });
        const f = (k: string) => {
          const v = form.get(k);
          return typeof v === 'string' ? v : undefined;
        };
        name = required(f('name'), 'name');
        model = required(f('model'), 'model');
        settings = settingsFrom(f);
        const file = form.get('sample');
        if (file === null || typeof file === 'string')
          throw new BadRequestError('a file part "sample" (CSV) is required', 'sample');
        await collectCsv(file.stream() as AsyncIterable<Uint8Array>, f('types'), sample);
      }
      created = await repo.createFromSample(
        project,
        name,
        model,
        sample.values(),
        sample.types(),
        settings,
      );
      what = 'sample';
      field = 'sample';
    }
    if (created.values === 0) {
      await repo.remove(project, created.baseline.id);
      throw new BadRequestError(
        `no feature or prediction values of model "${model}" in ${what}`,
        field,
      );
    }
    const b = (await repo.get(project, created.baseline.id)) ?? created.baseline;
    return c.json({ ...b, features: await repo.counts(project, b.id) }, 201);
  });
  return app;
}

/** name, model and the settings of a JSON sample upload. */
function parseUploadHead(rest: Record<string, unknown>) {
  const extra = Object.keys(rest).filter(
    (k) => !['name', 'model', 'default', 'thresholds'].includes(k),
  );
  if (extra.length > 0) throw new BadRequestError(`unknown field "${extra[0]}"`, extra[0]);
  const str = (k: string) => (typeof rest[k] === 'string' ? (rest[k] as string) : undefined);
  if (rest.name !== undefined && typeof rest.name !== 'string')
    throw new BadRequestError('name must be a string', 'name');
  if (rest.model !== undefined && typeof rest.model !== 'string')
    throw new BadRequestError('model must be a string', 'model');
  return {
    name: required(str('name'), 'name'),
    model: required(str('model'), 'model'),
    settings: parseSettings({ default: rest.default, thresholds: rest.thresholds }),
  };
}
