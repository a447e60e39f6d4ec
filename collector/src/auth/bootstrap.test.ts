import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { announceCredentials, type CredentialsOutput } from './bootstrap.js';

const SECRET_LINES = [
  '  ingest key (project "default"): aiobs_ik_SECRET1',
  '  admin token: aiobs_at_SECRET2',
];
const PATH = '/var/lib/aiobs/credentials.json';

/** A real pino logger writing into memory, and a printer that records what it was given. */
function harness(interactive: boolean) {
  const lines: string[] = [];
  const log = pino(
    { base: undefined },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const printed: string[] = [];
  const out: CredentialsOutput = { interactive, write: (t) => printed.push(t) };
  return { log, out, printed, logged: () => lines.join('') };
}

describe('announceCredentials', () => {
  test('on a terminal: the secrets are printed once, the log line carries only the path', () => {
    const h = harness(true);
    announceCredentials(SECRET_LINES, PATH, h.out, h.log);
    expect(h.printed).toHaveLength(1);
    expect(h.printed[0]).toContain('aiobs_ik_SECRET1');
    expect(h.printed[0]).toContain('aiobs_at_SECRET2');
    expect(h.printed[0]).toContain(PATH);
    expect(h.logged()).not.toContain('SECRET');
    expect(JSON.parse(h.logged()).path).toBe(PATH);
  });

  test('not a terminal (service, container, CI): nothing printed, the log points at the file', () => {
    const h = harness(false);
    announceCredentials(SECRET_LINES, PATH, h.out, h.log);
    expect(h.printed).toEqual([]);
    const line = JSON.parse(h.logged()) as { msg: string; path: string };
    expect(line.path).toBe(PATH);
    expect(line.msg).toContain(PATH);
    expect(h.logged()).not.toContain('SECRET');
  });
});
