#!/usr/bin/env node
// `npm start`: the whole system on this machine — the collector (OTLP receiver, API and
// dashboard on one port, embedded ClickHouse under the data dir) and a local agent that
// reports this host. Arguments after `--` go to the collector, e.g.
// `npm start -- --port 4319`. Ctrl-C stops both (the collector drains first).
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const collectorMain = join(root, 'collector', 'dist', 'main.js');
const agentMain = join(root, 'agent', 'bin', 'aiobs-agent.js');
if (!existsSync(collectorMain)) {
  console.error('aiobs: the collector is not built; run `npm install` (or `npm run build`) first.');
  process.exit(1);
}

const args = process.argv.slice(2);
const flag = (name, env, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : (process.env[env] ?? def);
};
const dataDir = resolve(flag('--data-dir', 'AIOBS_DATA_DIR', './.aiobs-data'));

const collector = spawn(process.execPath, [collectorMain, ...args], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let agent;
let stopping = false;

// On a terminal the JSON log goes to a file and only warnings and errors are shown, briefly;
// piped (scripts, CI), every JSON line passes through unchanged.
const pretty = process.stdout.isTTY === true;
const logFile = join(dataDir, 'collector.log');
if (pretty) mkdirSync(dataDir, { recursive: true });
const LEVELS = { 40: 'warning', 50: 'error', 60: 'fatal' };

createInterface({ input: collector.stdout }).on('line', (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    msg = undefined;
  }
  if (!pretty) process.stdout.write(`${line}\n`);
  else {
    appendFileSync(logFile, `${line}\n`);
    if (msg?.level >= 40)
      process.stdout.write(`aiobs ${LEVELS[msg.level] ?? 'warning'}: ${msg.msg}\n`);
  }
  if (msg?.msg !== 'listening' || agent) return;
  const url = `http://127.0.0.1:${msg.port}`;
  process.stderr.write(
    `\naiobs is running\n  dashboard      ${url}/  (sign in as adminUser with adminPassword from the credentials file)\n` +
      `  credentials    ${join(dataDir, 'credentials.json')}\n` +
      `  OTLP/HTTP      ${url}  (OTEL_EXPORTER_OTLP_ENDPOINT; header Authorization=Bearer <apiKey>)\n` +
      (msg.grpcPort ? `  OTLP/gRPC      http://127.0.0.1:${msg.grpcPort}\n` : '') +
      `  API            ${url}/api/v1  (docs/api.md)\n` +
      (pretty ? `  log            ${logFile}\n` : '') +
      `\nSend data: \`npm run demo\` in another terminal, or instrument your app with @aiobs/sdk (README).\n` +
      'Stop with Ctrl-C.\n\n',
  );
  if (process.env.AIOBS_NO_AGENT === '1' || !existsSync(agentMain)) return;
  agent = spawn(
    process.execPath,
    // The same V8 flags as the agent's launcher: a small young generation keeps its RSS low.
    [
      '--max-semi-space-size=1',
      '--no-memory-reducer',
      agentMain,
      'run',
      '--collector',
      url,
      '--data-dir',
      dataDir,
      '--state-dir',
      join(dataDir, 'agent'),
    ],
    { stdio: 'inherit' },
  );
  agent.on('exit', (code) => {
    if (!stopping)
      process.stderr.write(
        `aiobs: the local agent exited (${code}); the collector keeps running\n`,
      );
  });
});

// 'close', not 'exit': 'exit' can come before the last lines of the piped log are read, and
// exiting then drops them (the drain's "stopped" line went missing on a loaded CI machine).
collector.on('close', (code) => {
  stopping = true;
  if (agent && agent.exitCode === null) agent.kill('SIGTERM');
  process.exit(code ?? 0);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    if (agent && agent.exitCode === null) agent.kill('SIGTERM');
    collector.kill('SIGTERM');
  });
}
