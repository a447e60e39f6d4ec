import { decodeBody, type HttpCoding, responseCoding } from './compression.js';
import { ClickHouseHttpError } from './error-codes.js';

/**
 * URL parameters the HTTP interface reads itself; every other one (except `param_*`) is a
 * setting, as in the server's HTTPHandler.
 */
const RESERVED = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'close_session',
  'user',
  'password',
  'quota_key',
  'role',
  'stacktrace',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'client_protocol_version',
]);

/**
 * Settings that only shape the HTTP exchange (compression, progress headers, buffering):
 * an engine without the HTTP layer must not be given them.
 */
export const HTTP_ONLY_SETTINGS: ReadonlySet<string> = new Set([
  'enable_http_compression',
  'http_zlib_compression_level',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_send_progress_interval_ms',
  'http_response_buffer_size',
  'http_native_compression_disable_checksumming_on_decompress',
  'http_wait_end_of_query',
]);

/** One request to the ClickHouse HTTP interface, parsed. */
export interface ClickHouseHttpRequest {
  /** The SQL: from the `query` URL parameter, else the body. */
  readonly query: string;
  /**
   * The body when the query came in the URL: the data of `INSERT … FORMAT X` (the server
   * reads it right after the statement), decompressed. Empty when there is none.
   */
  readonly data: Uint8Array;
  /** `param_<name>` values as sent: the escaped text the engine parses by the placeholder type. */
  readonly params: Readonly<Record<string, string>>;
  /** Settings from the URL (every non-reserved parameter), values as text. */
  readonly settings: Readonly<Record<string, string>>;
  readonly database: string | undefined;
  /** `default_format`: the output format when the query names none (server default TabSeparated). */
  readonly defaultFormat: string | undefined;
  readonly queryId: string | undefined;
  readonly sessionId: string | undefined;
  /** Credentials from Basic auth, `X-ClickHouse-User`/`-Key` or `user`/`password` parameters. */
  readonly user: string;
  readonly password: string;
  /** The coding to compress the answer with (`enable_http_compression=1` + Accept-Encoding). */
  readonly responseCoding: HttpCoding | undefined;
  /** `http_zlib_compression_level`, when set. */
  readonly compressionLevel: number | undefined;
  /** GET requests run read-only (`readonly=2` on the server), as the server does. */
  readonly readonly: boolean;
}

/** What {@link parseClickHouseRequest} needs of an HTTP request. */
export interface RawHttpRequest {
  readonly method: string;
  readonly url: URL;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

/**
 * Parses a request as the ClickHouse HTTP interface reads it: the query in the URL or the
 * body, `param_*` query parameters (in the URL or, as `@clickhouse/client` sends large
 * ones, in a multipart/form-data body), settings as URL parameters, a compressed body
 * (`Content-Encoding`), and credentials.
 *
 * @throws ClickHouseHttpError for an empty query, an unknown content coding or a corrupt body
 */
export function parseClickHouseRequest(req: RawHttpRequest): ClickHouseHttpRequest {
  const url = req.url.searchParams;
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [k, v] of url) {
    if (k.startsWith('param_')) params[k.slice(6)] = v;
    else if (!RESERVED.has(k)) settings[k] = v;
  }
  let body = decodeBody(req.body, req.headers['content-encoding']);
  let query = url.get('query') ?? undefined;
  const contentType = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(contentType)) {
    const parts = parseMultipart(body, contentType);
    for (const [name, value] of parts) {
      if (name === 'query') query = query === undefined ? value : `${query}\n${value}`;
      else if (name.startsWith('param_')) params[name.slice(6)] = value;
    }
    body = new Uint8Array(0);
  }
  let data: Uint8Array = new Uint8Array(0);
  if (query === undefined)
    query = Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8');
  else data = body;
  if (query.trim() === '') throw new ClickHouseHttpError('SYNTAX_ERROR', 'Empty query');
  const { user, password } = credentials(req.headers, url);
  const level = settings.http_zlib_compression_level;
  return {
    query,
    data,
    params,
    settings,
    database: url.get('database') || undefined,
    defaultFormat: url.get('default_format') || settings.default_format || undefined,
    queryId: url.get('query_id') || undefined,
    sessionId: url.get('session_id') || undefined,
    user,
    password,
    responseCoding: responseCoding(
      settings.enable_http_compression === '1',
      req.headers['accept-encoding'],
    ),
    compressionLevel: level === undefined ? undefined : Number(level),
    readonly: req.method.toUpperCase() === 'GET',
  };
}

/** The request's settings minus the HTTP-only ones: what the engine itself applies. */
export function engineSettings(req: ClickHouseHttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.settings)) if (!HTTP_ONLY_SETTINGS.has(k)) out[k] = v;
  return out;
}

/** `INSERT … FORMAT X` with its rows in the body (the query came in the URL). */
export function isInsertWithData(req: ClickHouseHttpRequest): boolean {
  return req.data.length > 0 && /^\s*INSERT\s/i.test(req.query);
}

function credentials(
  headers: RawHttpRequest['headers'],
  url: URLSearchParams,
): { user: string; password: string } {
  const auth = headers.authorization;
  if (auth && /^basic /i.test(auth)) {
    const text = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = text.indexOf(':');
    return i < 0
      ? { user: text, password: '' }
      : { user: text.slice(0, i), password: text.slice(i + 1) };
  }
  const user = headers['x-clickhouse-user'] ?? url.get('user') ?? 'default';
  const password = headers['x-clickhouse-key'] ?? url.get('password') ?? '';
  return { user: user || 'default', password };
}

/** The named parts of a multipart/form-data body, as text. */
function parseMultipart(body: Uint8Array, contentType: string): [string, string][] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary)
    throw new ClickHouseHttpError('BAD_ARGUMENTS', 'multipart/form-data without a boundary');
  const text = Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8');
  const out: [string, string][] = [];
  for (const chunk of text.split(`--${boundary}`)) {
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const name = /name="([^"]*)"/i.exec(chunk.slice(0, headerEnd))?.[1];
    if (name === undefined) continue;
    // The part's value ends with the CRLF that precedes the next delimiter.
    out.push([name, chunk.slice(headerEnd + 4).replace(/\r\n$/, '')]);
  }
  return out;
}
