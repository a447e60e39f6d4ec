// Command-line options of a benchmark: node:util's parseArgs, with `--help` and clear errors.
import { parseArgs } from 'node:util';

/**
 * Parses `process.argv` with `config` (parseArgs's: `{ options }`). `--help` (or `-h`) prints
 * each option with its default and exits 0; an unknown option or a missing value prints what
 * is wrong and the options, and exits 2, instead of a stack trace.
 * @param {string} command how the benchmark is run (`npm run bench -- ingest`)
 * @param {import('node:util').ParseArgsConfig} config
 */
export function benchArgs(command, config) {
  const usage = () => {
    const lines = Object.entries(config.options ?? {}).map(([flag, o]) => {
      const value = o.type === 'boolean' ? '' : ' <value>';
      const dflt = o.default === undefined ? '' : ` (default ${JSON.stringify(o.default)})`;
      return `  --${flag}${value}${dflt}`;
    });
    return `usage: ${command} [options]\noptions:\n${lines.join('\n')}`;
  };
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    process.exit(0);
  }
  try {
    return parseArgs({ ...config, args: argv });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${usage()}`);
    process.exit(2);
  }
}
