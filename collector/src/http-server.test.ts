import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError } from './config.js';
import { hygieneOptions, isClientAbort, readTlsFiles } from './http-server.js';

const dir = mkdtempSync(join(tmpdir(), 'aiobs-http-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hygieneOptions', () => {
  test('header and request timeouts in ms, checked at least every second', () => {
    const o = hygieneOptions({
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 60,
      keepAliveTimeoutSeconds: 5,
      maxConnections: 1024,
    });
    expect(o).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 60_000,
      connectionsCheckingInterval: 1000,
    });
    expect(
      hygieneOptions({
        headersTimeoutSeconds: 1,
        requestTimeoutSeconds: 2,
        keepAliveTimeoutSeconds: 5,
        maxConnections: 1,
      }).connectionsCheckingInterval,
    ).toBe(500);
  });
});

describe('readTlsFiles', () => {
  test('plain HTTP when neither file is configured', () => {
    expect(readTlsFiles({ tlsCert: undefined, tlsKey: undefined })).toBeUndefined();
  });

  test('an unreadable file is a ConfigError naming the flag and the path', () => {
    const missing = join(dir, 'missing.pem');
    expect(() => readTlsFiles({ tlsCert: missing, tlsKey: missing })).toThrow(ConfigError);
    expect(() => readTlsFiles({ tlsCert: missing, tlsKey: missing })).toThrow(
      `--tls-cert ${missing}: cannot read`,
    );
  });

  test('files that are not PEM are a ConfigError, not a crash at the first connection', () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    expect(() => readTlsFiles({ tlsCert: junk, tlsKey: junk })).toThrow(
      /not a usable PEM certificate and key/,
    );
  });
});

describe('isClientAbort', () => {
  const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });

  test('a body stream reset on a destroyed request, wrapped or not', () => {
    expect(isClientAbort(aborted, { destroyed: true })).toBe(true);
    expect(isClientAbort(new Error('read failed', { cause: aborted }), { destroyed: true })).toBe(
      true,
    );
  });

  test('not when the request is still open (a reset from a ClickHouse server), nor other errors', () => {
    expect(isClientAbort(aborted, { destroyed: false })).toBe(false);
    expect(isClientAbort(aborted, undefined)).toBe(false);
    expect(isClientAbort(new Error('boom'), { destroyed: true })).toBe(false);
  });
});
