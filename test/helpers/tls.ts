import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when the `openssl` command is there to make test certificates. */
export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/**
 * Makes a one-day self-signed P-256 certificate for 127.0.0.1 in a new temp folder.
 *
 * @example
 * const { cert, key } = makeLoopbackCert('aiobs-tls-');
 * await startCollector({ args: ['--tls-cert', cert, '--tls-key', key] });
 */
export function makeLoopbackCert(prefix: string): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'pipe' },
  );
  return { dir, cert, key };
}
