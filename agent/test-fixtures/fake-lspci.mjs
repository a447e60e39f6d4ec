// Fake `lspci`: prints the PCI devices of the scenario picked with AIOBS_FAKE_GPU_SCENARIO
// (see fake-nvidia-smi.mjs) in `lspci -vvv` style (what systeminformation.graphics() parses),
// or the one-line-per-device form without -v.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const name = process.env.AIOBS_FAKE_GPU_SCENARIO || 'h200x8';
for (const a of argv) {
  if (!/^-(v{1,3}|nn?|k|D)$/.test(a)) {
    process.stderr.write(
      `lspci: invalid option -- '${a.replace(/^-+/, '').charAt(0)}'\nUsage: lspci [<switches>]\n`,
    );
    process.exit(2);
  }
}
if (name === 'hang') setInterval(() => {}, 1 << 30);
else {
  const file = name.includes('/') ? name : join(here, 'nvidia', `scenario-${name}.json`);
  const devices = JSON.parse(readFileSync(file, 'utf8')).lspci;
  const verbose = argv.some((a) => a.startsWith('-v'));
  const out = verbose
    ? devices.map((d) => `${d}\n`).join('')
    : devices.map((d) => `${d.split('\n')[0]}\n`).join('');
  process.stdout.write(out);
}
