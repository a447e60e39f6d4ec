import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS, quoteExecWord, quotePathSetting, renderUnit } from './systemd.js';

/**
 * Splits an `ExecStart=` value the way systemd does (systemd.service(5), "Command lines";
 * extract_first_word with UNQUOTE|CUNESCAPE), then undoes the `%%` specifier and `$$`
 * variable escapes it applies to each word. Anything else it would expand is an error here.
 */
function parseExecStart(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    '\\': '\\',
    '"': '"',
    "'": "'",
    ' ': ' ',
  };
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let word = '';
    let quote: string | undefined;
    for (; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '\\') {
        const next = line[++i];
        if (next === undefined || !(next in escapes)) throw new Error(`bad escape at ${i}`);
        word += escapes[next];
      } else if (quote) {
        if (ch === quote) quote = undefined;
        else word += ch;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === ' ' || ch === '\t') break;
      else word += ch;
    }
    if (quote) throw new Error('unterminated quote');
    // The executable's path is used as written; variables are expanded in arguments only.
    words.push(unescapeSpecifiers(word, words.length === 0));
  }
  return words;
}

function unescapeSpecifiers(word: string, executable: boolean): string {
  const pattern = executable ? /%(.)/g : /%(.)|\$(\$|\{?[A-Za-z_])/g;
  return word.replace(pattern, (m, spec, v) => {
    if (spec === '%') return '%';
    if (v === '$') return '$';
    throw new Error(`systemd would expand ${m} in ${word}`);
  });
}

const serviceValue = (unit: string, key: string) =>
  unit
    .split('\n')
    .find((l) => l.startsWith(`${key}=`))
    ?.slice(key.length + 1);

describe('systemd unit quoting', () => {
  const awkward = [
    '/opt/my tools/node',
    '/srv/a"b/c\\d/cli.js',
    "/home/o'brien/.nvm/node",
    '/opt/100%/node',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${X} in a path
    '/opt/$HOME/${X}/node',
    '/opt/tab\tless', // refused below
  ];

  it('renders ExecStart so that systemd splits it back into the original words', () => {
    for (const nodePath of awkward.slice(0, 5)) {
      const cliPath = `${nodePath.replace(/node$/, '')}lib/node_modules/@aiobs/agent/dist/cli.js`;
      const unit = renderUnit({ nodePath, cliPath, envPath: '/etc/aiobs-agent/aiobs-agent.env' });
      expect(parseExecStart(serviceValue(unit, 'ExecStart')!)).toEqual([
        nodePath,
        ...NODE_FLAGS,
        cliPath,
        'run',
      ]);
    }
  });

  it('exact output for a path with a space, a percent sign and a dollar', () => {
    expect(quoteExecWord('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteExecWord('/opt/my tools/node')).toBe('"/opt/my tools/node"');
    expect(quoteExecWord('/opt/100%/$x')).toBe('/opt/100%%/$$x');
    expect(quoteExecWord('/opt/100%/$x', { executable: true })).toBe('/opt/100%%/$x');
    expect(quoteExecWord('/a "b"\\c')).toBe('"/a \\"b\\"\\\\c"');
    expect(quotePathSetting('/etc/my agent/100%.env')).toBe('/etc/my agent/100%%.env');
    const unit = renderUnit({
      nodePath: '/opt/my tools/node',
      cliPath: '/opt/my tools/lib/cli.js',
      envPath: '/etc/my agent/aiobs-agent.env',
    });
    expect(unit).toContain(
      `ExecStart="/opt/my tools/node" ${NODE_FLAGS.join(' ')} "/opt/my tools/lib/cli.js" run\n`,
    );
    // EnvironmentFile= takes the rest of the line as the path: no quotes (they would be
    // part of the name), spaces kept.
    expect(unit).toContain('EnvironmentFile=/etc/my agent/aiobs-agent.env\n');
  });

  it('refuses what cannot be written on a unit line', () => {
    expect(() => quoteExecWord(awkward[5]!)).toThrow(/systemd command line/);
    expect(() => quoteExecWord('/x\ny')).toThrow();
    expect(() => quotePathSetting('relative/path.env')).toThrow();
    expect(() => quotePathSetting('/etc/x.env ')).toThrow();
    expect(() => quotePathSetting('/etc/x\\')).toThrow();
  });

  // systemd's own parser, where the machine has it: verify fails when ExecStart's first word
  // does not name an executable, so a path with a space proves the quoting end to end.
  const hasAnalyze = (() => {
    try {
      execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasAnalyze)('systemd-analyze verify accepts a unit whose paths hold spaces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiobs unit '));
    try {
      const bin = join(dir, 'node $dir', '100% node');
      mkdirSync(join(dir, 'node $dir'));
      copyFileSync(process.execPath, bin);
      chmodSync(bin, 0o755);
      const cli = join(dir, 'pkg dir', 'cli.js');
      mkdirSync(join(dir, 'pkg dir'));
      writeFileSync(cli, '');
      const envPath = join(dir, 'env dir', 'aiobs-agent.env');
      const unitPath = join(dir, 'aiobs-agent-verify.service');
      writeFileSync(unitPath, renderUnit({ nodePath: bin, cliPath: cli, envPath }));
      execFileSync('systemd-analyze', ['verify', '--man=no', unitPath], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // The same check fails for an unquoted path with a space: the test can fail.
      const broken = renderUnit({ nodePath: bin, cliPath: cli, envPath }).replace(
        `"${bin.replace(/%/g, '%%')}"`,
        bin.replace(/%/g, '%%'),
      );
      writeFileSync(unitPath, broken);
      expect(() =>
        execFileSync('systemd-analyze', ['verify', '--man=no', unitPath], { stdio: 'pipe' }),
      ).toThrow(/not executable|No such file/);
      expect(existsSync(bin)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
