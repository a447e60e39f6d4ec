// Fake `nvidia-smi` for tests and benchmarks: answers --query-gpu, --query-compute-apps,
// --help-query-gpu/--help-query-compute-apps, -L, --version and `dmon -s t` the way the real
// tool prints them (", " separated CSV, units unless "nounits", [N/A] as printed), loops with
// -l/-lms, rejects unknown fields like the real tool (message on stdout, exit 2), and plays
// scenarios picked with AIOBS_FAKE_GPU_SCENARIO (h200x8 | workstation | na | nodevice | hang,
// or a path to a scenario JSON file).
// Test hooks: AIOBS_FAKE_SMI_LOG=<file> appends one JSON line per start; in loop mode
// AIOBS_FAKE_SMI_EXIT_AFTER=<n> exits (GPU lost) after n blocks and AIOBS_FAKE_SMI_STALL_AFTER=<n>
// stops printing after n blocks while staying alive.
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_FIELDS, GPU_FIELDS } from './nvidia/fields.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const env = process.env;
const scenarioName = env.AIOBS_FAKE_GPU_SCENARIO || 'h200x8';

if (env.AIOBS_FAKE_SMI_LOG) {
  appendFileSync(
    env.AIOBS_FAKE_SMI_LOG,
    `${JSON.stringify({ pid: process.pid, argv, time: Date.now() })}\n`,
  );
}
process.stdout.on('error', () => process.exit(0));

if (scenarioName === 'hang') {
  // A wedged driver: the call never returns and prints nothing.
  setInterval(() => {}, 1 << 30);
} else {
  main();
}

function loadScenario() {
  const file = scenarioName.includes('/')
    ? scenarioName
    : join(here, 'nvidia', `scenario-${scenarioName}.json`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

function opt(names) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    for (const n of names) {
      if (a === n) return argv[i + 1] ?? '';
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

function fail(message, code) {
  process.stdout.write(`${message}\n`);
  process.exit(code);
}

function main() {
  const s = loadScenario();
  if (argv.includes('--version')) {
    process.stdout.write(
      `NVIDIA-SMI version  : ${s.driver}\nNVML version        : ${s.driver.split('.').slice(0, 2).join('.')}\nDRIVER version      : ${s.driver}\nCUDA Version        : ${s.cuda}\n`,
    );
    return;
  }
  if (argv.includes('--help-query-gpu')) return printHelp('--query-gpu', GPU_FIELDS, s.fields);
  if (argv.includes('--help-query-compute-apps')) {
    return printHelp('--query-compute-apps', APP_FIELDS, 'all');
  }
  if (argv[0] === 'dmon') return dmon(s);
  if (s.gpus.length === 0) fail('No devices were found', 6);
  if (argv.includes('-L') || argv.includes('--list-gpus')) {
    for (const g of s.gpus) process.stdout.write(`GPU ${g.index}: ${g.name} (UUID: ${g.uuid})\n`);
    return;
  }
  const gpuQuery = opt(['--query-gpu']);
  const appQuery = opt(['--query-compute-apps']);
  if (gpuQuery === undefined && appQuery === undefined) {
    fail("Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n", 2);
  }
  const format = opt(['--format']);
  if (!format?.split(',').includes('csv')) {
    fail('"--format=" switch is missing or incorrect. Please run \'nvidia-smi -h\' for help.\n', 2);
  }
  const flags = new Set(format.split(','));
  const registry = gpuQuery !== undefined ? GPU_FIELDS : APP_FIELDS;
  const supported = gpuQuery !== undefined ? s.fields : 'all';
  const requested = (gpuQuery ?? appQuery).split(',');
  const columns = requested.map((name) => {
    const entry = registry.find(([names]) => names.includes(name));
    if (!entry || (supported !== 'all' && !supported.includes(name))) {
      fail(`Field "${name}" is not a valid field to query.\n`, 2);
    }
    return { name, names: entry[0], unit: entry[1] };
  });
  const rows = () => (gpuQuery !== undefined ? s.gpus : s.apps);
  const block = () => render(columns, rows(), flags);
  const loopMs = opt(['-lms', '--loop-ms']) ?? scale(opt(['-l', '--loop']), 1000);
  if (!flags.has('noheader')) process.stdout.write(`${header(columns, flags)}\n`);
  if (loopMs === undefined) {
    process.stdout.write(block());
    return;
  }
  loop(Number(loopMs), block);
}

function scale(v, by) {
  return v === undefined ? undefined : String(Number(v) * by);
}

function loop(ms, block) {
  const exitAfter = env.AIOBS_FAKE_SMI_EXIT_AFTER ? Number(env.AIOBS_FAKE_SMI_EXIT_AFTER) : -1;
  const stallAfter = env.AIOBS_FAKE_SMI_STALL_AFTER ? Number(env.AIOBS_FAKE_SMI_STALL_AFTER) : -1;
  let n = 0;
  const tick = () => {
    if (n === exitAfter) {
      process.stdout.write(
        'Unable to determine the device handle for GPU0000:18:00.0: GPU is lost.\n',
      );
      process.exit(15);
    }
    if (n === stallAfter) return;
    n++;
    process.stdout.write(block());
  };
  tick();
  setInterval(tick, ms);
}

function header(columns, flags) {
  return columns
    .map((c) => (c.unit && !flags.has('nounits') ? `${c.name} [${c.unit}]` : c.name))
    .join(', ');
}

function render(columns, rows, flags) {
  let out = '';
  for (const row of rows) {
    const cells = columns.map((c) => {
      if (c.name === 'timestamp') return timestamp();
      let v;
      for (const n of c.names) if (v === undefined) v = row[n];
      if (v === undefined) v = '[N/A]';
      if (c.unit && !flags.has('nounits') && !v.startsWith('[')) v = `${v} ${c.unit}`;
      return v;
    });
    out += `${cells.join(', ')}\n`;
  }
  return out;
}

function timestamp() {
  const d = new Date();
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function printHelp(sw, registry, supported) {
  let out = `List of valid properties to query for the switch "${sw}":\n\n`;
  for (const [names, , help] of registry) {
    const shown = supported === 'all' ? names : names.filter((n) => supported.includes(n));
    if (shown.length === 0) continue;
    if (supported === 'all' && registry === GPU_FIELDS && names.length === 1) {
      // Older spellings listed on their own only exist in the legacy registry entries.
      if (GPU_FIELDS.some(([other]) => other !== names && other.includes(names[0]))) continue;
    }
    out += `${shown.map((n) => `"${n}"`).join(' or ')}\n${help}\n\n`;
  }
  process.stdout.write(out);
}

function dmon(s) {
  const sel = opt(['-s']) ?? 'puc';
  if (sel !== 't') fail(`fake nvidia-smi: dmon only supports "-s t" (got "${sel}")`, 2);
  if (s.gpus.length === 0) fail('No devices were found', 6);
  const delay = Number(opt(['-d']) ?? '1');
  const count = opt(['-c']) === undefined ? Number.POSITIVE_INFINITY : Number(opt(['-c']));
  process.stdout.write('# gpu  rxpci  txpci \n# Idx   MB/s   MB/s \n');
  let n = 0;
  const tick = () => {
    if (n >= count) process.exit(0);
    n++;
    let out = '';
    for (const g of s.gpus) {
      out += `${g.index.padStart(5)} ${String(g.rxpci ?? '-').padStart(6)} ${String(g.txpci ?? '-').padStart(6)} \n`;
    }
    process.stdout.write(out);
  };
  tick();
  setInterval(tick, delay * 1000);
}
