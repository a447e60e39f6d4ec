import { encodeBody, type HttpCoding } from './compression.js';
import { type ClickHouseHttpError, httpStatusOf } from './error-codes.js';

/** One answer of the HTTP interface, ready to write. */
export interface ClickHouseHttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** Counters of `X-ClickHouse-Summary` (the server sends every value as a decimal string). */
export interface QuerySummary {
  readRows?: number;
  readBytes?: number;
  writtenRows?: number;
  writtenBytes?: number;
  resultRows?: number;
  resultBytes?: number;
  elapsedNs?: number;
}

/** What every answer carries: the query id, the server's time zone and name. */
export interface AnswerContext {
  readonly queryId: string;
  /** Version shown in error messages and `X-ClickHouse-Server-Display-Name`. */
  readonly serverName?: string;
  readonly timezone?: string;
  readonly coding?: HttpCoding;
  readonly compressionLevel?: number;
}

/** `X-ClickHouse-Summary` as the server writes it. */
export function summaryHeader(s: QuerySummary): string {
  const n = (v: number | undefined) => String(Math.max(0, Math.round(v ?? 0)));
  return JSON.stringify({
    read_rows: n(s.readRows),
    read_bytes: n(s.readBytes),
    written_rows: n(s.writtenRows),
    written_bytes: n(s.writtenBytes),
    total_rows_to_read: n(s.readRows),
    result_rows: n(s.resultRows),
    result_bytes: n(s.resultBytes),
    elapsed_ns: n(s.elapsedNs),
  });
}

/** The Content-Type the server gives a result format. */
export function contentTypeOf(format: string): string {
  const f = format.toLowerCase();
  if (f === 'jsoneachrow' || f === 'jsonlines' || f === 'ndjson' || f === 'jsonstringseachrow')
    return 'application/x-ndjson; charset=UTF-8';
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  if (f.startsWith('csv')) return 'text/csv; charset=UTF-8; header=absent';
  if (f.startsWith('tabseparated') || f.startsWith('tsv'))
    return 'text/tab-separated-values; charset=UTF-8';
  if (f === 'native' || f.startsWith('rowbinary') || f === 'parquet' || f.startsWith('arrow'))
    return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}

function common(ctx: AnswerContext): Record<string, string> {
  return {
    'x-clickhouse-query-id': ctx.queryId,
    'x-clickhouse-timezone': ctx.timezone ?? 'UTC',
    ...(ctx.serverName ? { 'x-clickhouse-server-display-name': ctx.serverName } : {}),
  };
}

function withCoding(
  body: Uint8Array,
  headers: Record<string, string>,
  ctx: AnswerContext,
): ClickHouseHttpAnswer['body'] {
  if (!ctx.coding || body.length === 0) return body;
  headers['content-encoding'] = ctx.coding;
  return encodeBody(body, ctx.coding, ctx.compressionLevel);
}

/** A successful query's answer: its result in `format`, compressed when asked. */
export function resultAnswer(
  result: Uint8Array,
  format: string,
  summary: QuerySummary,
  ctx: AnswerContext,
): ClickHouseHttpAnswer {
  const headers: Record<string, string> = {
    ...common(ctx),
    'content-type': contentTypeOf(format),
    'x-clickhouse-format': format,
    'x-clickhouse-summary': summaryHeader(summary),
  };
  const body = withCoding(result, headers, ctx);
  return { status: 200, headers, body };
}

/**
 * An exception as the server answers it: the status of its code, `X-ClickHouse-Exception-Code`
 * and the text `Code: N. DB::Exception: message. (NAME) (version V)` that clients parse.
 */
export function errorAnswer(err: ClickHouseHttpError, ctx: AnswerContext): ClickHouseHttpAnswer {
  const version = ctx.serverName ? ` (version ${ctx.serverName})` : '';
  const text = `Code: ${err.code}. DB::Exception: ${err.message}. (${err.type})${version}\n`;
  const headers: Record<string, string> = {
    ...common(ctx),
    'content-type': 'text/plain; charset=UTF-8',
    'x-clickhouse-exception-code': String(err.code),
  };
  const body = withCoding(Buffer.from(text), headers, ctx);
  return { status: httpStatusOf(err.code), headers, body };
}

/** `GET /ping` and `GET /`: the server's fixed liveness answer. */
export function pingAnswer(): ClickHouseHttpAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=UTF-8' },
    body: Buffer.from('Ok.\n'),
  };
}
