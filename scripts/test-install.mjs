#!/usr/bin/env node
/**
 * `npm run test:install`: what a user gets from the registry and from a fresh clone.
 *
 * 1. Packs the SDK, the agent and the collector (`npm pack`), installs the tarballs into an
 *    empty project and checks: `npx aiobs-collector` serves the dashboard and the API,
 *    `npx @aiobs/agent install` writes its service without the repository, and the SDK's types
 *    resolve and its entry loads for ESM and CommonJS consumers (TypeScript node16/nodenext,
 *    with the library checked too: skipLibCheck off).
 * 2. Clones this repository (its committed HEAD), runs `npm install` and checks that it prints
 *    no telemetry notice and no warning, then `npm start`: the banner, nothing alarming, and a
 *    clean stop on Ctrl-C (SIGINT).
 *
 * Both reinstall the embedded engine (~540 MB), so this runs on its own, not inside `npm test`.
 * Only the npm registry is contacted; every server it starts listens on 127.0.0.1.
 * Prints one line per check and ends with "N passed, N failed"; with AIOBS_TEST_COUNTS_FILE
 * set, also writes `{"passed", "failed"}` there (for .ci/run's closing line).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'aiobs-install-'));
const keep = process.argv.includes('--keep');
const results = [];
const started = Date.now();

/** Records one check; a thrown error fails it with its message. */
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok    ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL  ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function progress(msg) {
  console.log(`..    ${msg} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/** Runs a command to its end; throws with its output when it exits non-zero. */
function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...opts,
    env: { ...process.env, ...opts.env },
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${out.slice(-3000)}`,
    );
  }
  return out;
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Starts a long-running command and resolves once `ready(output)` is true, with a handle to
 * stop it; rejects if it exits first or `timeoutMs` passes.
 */
function startUntil(cmd, args, opts, ready, timeoutMs) {
  return new Promise((resolve, reject) => {
    // Its own process group, so a stop reaches npm and what it runs, as Ctrl-C on a terminal
    // reaches the foreground group.
    const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
    // The pipes close when every process writing to them has ended: npm's children too,
    // which may still be draining after npm itself has exited.
    const closed = Promise.all(
      [child.stdout, child.stderr].map((s) => new Promise((r) => s.once('close', r))),
    );
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`not ready after ${timeoutMs / 1000} s:\n${out.slice(-3000)}`));
    }, timeoutMs);
    const onLine = (line) => {
      out += `${line}\n`;
      if (!done && ready(out)) {
        done = true;
        clearTimeout(timer);
        resolve({ child, output: () => out, exited, closed });
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    exited.then((code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before it was ready:\n${out.slice(-3000)}`));
    });
  });
}

/**
 * Stops a started process group with `signal` and resolves with the leader's exit code once
 * every process of it has closed its output (SIGKILL after 30 s).
 */
async function stop(proc, signal = 'SIGTERM') {
  process.kill(-proc.child.pid, signal);
  const force = setTimeout(() => {
    try {
      process.kill(-proc.child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }, 30_000);
  const code = await proc.exited;
  await proc.closed;
  clearTimeout(force);
  return code;
}

async function packagesFromTarballs() {
  const packs = join(work, 'packs');
  mkdirSync(packs);
  let tarballs = [];
  await check('npm pack: the SDK, the agent and the collector (with the built dashboard)', () => {
    const out = sh(
      'npm',
      [
        'pack',
        '--json',
        '--pack-destination',
        packs,
        '-w',
        'sdk',
        '-w',
        'agent',
        '-w',
        'collector',
      ],
      { cwd: root },
    );
    // Lifecycle scripts (prepack, postpack) print around the JSON.
    const list = JSON.parse(out.slice(out.indexOf('\n[') + 1, out.lastIndexOf(']') + 1));
    tarballs = list.map((p) => join(packs, p.filename));
    const collector = list.find((p) => p.name === '@aiobs/collector');
    const files = new Set(collector.files.map((f) => f.path));
    assert(files.has('dashboard/index.html'), 'the collector tarball has no dashboard/index.html');
    assert(files.has('dist/main.js'), 'the collector tarball has no dist/main.js');
    const stray = list.flatMap((p) => p.files.map((f) => f.path)).filter((f) => /\.test\./.test(f));
    assert(stray.length === 0, `test files in the tarballs: ${stray.slice(0, 5).join(', ')}`);
  });
  if (tarballs.length === 0) return;

  const project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  const tsVersion = JSON.parse(
    readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8'),
  ).version;
  progress('installing the tarballs into an empty project (downloads the embedded engine)');
  let installed = false;
  await check('npm install of the tarballs into an empty project', () => {
    sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        ...tarballs,
        '@opentelemetry/api@^1.9.0',
        `typescript@${tsVersion}`,
        '@types/node@^20',
      ],
      { cwd: project },
    );
    installed = true;
  });
  if (!installed) return;

  await check('npx aiobs-collector serves the dashboard and the API', async () => {
    const proc = await startUntil(
      'npx',
      [
        'aiobs-collector',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--grpc-port',
        '0',
        '--data-dir',
        join(work, 'collector-data'),
      ],
      { cwd: project, env: { ...process.env, AIOBS_ADMIN_TOKEN: 'install-check-admin' } },
      (out) => /"msg":"listening"/.test(out),
      180_000,
    );
    try {
      const port = /"port":(\d+)/.exec(proc.output())?.[1];
      const page = await fetch(`http://127.0.0.1:${port}/`);
      const html = await page.text();
      assert(page.status === 200, `GET / answered ${page.status}`);
      assert(html.includes('<div id="root"'), `GET / is not the dashboard: ${html.slice(0, 200)}`);
      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      assert(health.status === 200, `GET /api/v1/health answered ${health.status}`);
    } finally {
      // npm ends by the signal itself; the collector's own log tells whether it drained.
      await stop(proc);
      assert(proc.output().includes('"msg":"stopped"'), 'the collector did not stop cleanly');
    }
  });

  await check('npx @aiobs/agent install writes its service without the repository', () => {
    const keyFile = join(work, 'agent.key');
    writeFileSync(keyFile, 'install-check-key\n', { mode: 0o600 });
    const target = join(work, 'agent-root');
    sh(
      'npx',
      [
        '@aiobs/agent',
        'install',
        '--root',
        target,
        '--collector',
        'http://127.0.0.1:4318',
        '--api-key-file',
        keyFile,
      ],
      { cwd: project },
    );
    const unit = join(target, 'etc', 'systemd', 'system', 'aiobs-agent.service');
    assert(existsSync(unit), `no unit at ${unit}`);
    assert(
      readFileSync(unit, 'utf8').includes(join(project, 'node_modules')),
      'the unit does not run the installed package',
    );
  });

  await check('the SDK: types and entry for an ESM consumer (nodenext)', () => {
    const dir = join(project, 'esm');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, 'index.ts'),
      "import { init, observeInference } from '@aiobs/sdk';\n" +
        "const kinds: string[] = [typeof init, typeof observeInference];\nconsole.log(kinds.join(','));\n",
    );
    consumerTsconfig(dir, 'NodeNext');
    sh(join(project, 'node_modules', '.bin', 'tsc'), ['-p', dir], { cwd: project });
    const out = sh(process.execPath, [join(dir, 'out', 'index.js')], { cwd: dir });
    assert(out.trim() === 'function,function', `unexpected output: ${out}`);
  });

  await check('the SDK: types and entry for a CommonJS consumer (node16)', () => {
    const dir = join(project, 'cjs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
    writeFileSync(
      join(dir, 'index.ts'),
      "import { init, observeInference } from '@aiobs/sdk';\n" +
        "const kinds: string[] = [typeof init, typeof observeInference];\nconsole.log(kinds.join(','));\n",
    );
    consumerTsconfig(dir, 'Node16');
    sh(join(project, 'node_modules', '.bin', 'tsc'), ['-p', dir], { cwd: project });
    const out = sh(process.execPath, [join(dir, 'out', 'index.js')], { cwd: dir });
    assert(out.trim() === 'function,function', `unexpected output: ${out}`);
  });
}

function consumerTsconfig(dir, module) {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          module,
          moduleResolution: module,
          target: 'ES2022',
          strict: true,
          skipLibCheck: false,
          outDir: 'out',
          rootDir: '.',
          types: ['node'],
        },
        include: ['index.ts'],
      },
      null,
      2,
    )}\n`,
  );
}

async function freshClone() {
  const clone = join(work, 'clone');
  await check('git clone of the committed HEAD', () => {
    sh('git', ['clone', '--quiet', root, clone]);
  });
  if (!existsSync(join(clone, 'package.json'))) return;
  progress('npm install in the fresh clone (downloads the embedded engine, builds)');
  // A fresh user home, so notices shown once per user (turbo's telemetry) show here too.
  const home = join(work, 'home');
  mkdirSync(home);
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), CI: '' };
  let installed = false;
  await check('npm install prints no telemetry notice and no warning', () => {
    const out = sh('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: clone,
      env: { ...env, npm_config_cache: join(process.env.HOME ?? home, '.npm') },
    });
    installed = true;
    const bad = out
      .split('\n')
      .filter((l) => /telemetry|npm warn|npm WARN|warning/i.test(l))
      .filter((l) => !/TURBO_TELEMETRY_DISABLED=1 turbo/.test(l)); // the echoed script line
    assert(bad.length === 0, `printed:\n${bad.slice(0, 10).join('\n')}`);
  });
  if (!installed) return;

  await check('npm start: the banner, nothing alarming, a clean stop on Ctrl-C', async () => {
    const proc = await startUntil(
      'npm',
      ['start', '--', '--port', '0', '--host', '127.0.0.1', '--grpc-port', '0'],
      { cwd: clone, env: { ...process.env, ...env } },
      (out) => out.includes('Stop with Ctrl-C.'),
      180_000,
    );
    const port = /dashboard\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(proc.output())?.[1];
    try {
      const out = proc.output();
      assert(/dashboard\s+http:\/\/127\.0\.0\.1:\d+\//.test(out), 'no dashboard URL');
      assert(out.includes('credentials.json'), 'no credentials path');
      assert(out.includes('npm run demo'), 'no hint on how to send data');
      const alarming = out.split('\n').filter((l) => /"level":(40|50|60)/.test(l));
      assert(alarming.length === 0, `warnings or errors:\n${alarming.join('\n')}`);
    } finally {
      await stop(proc, 'SIGINT');
    }
    assert(proc.output().includes('"msg":"stopped"'), 'the collector did not drain and stop');
    const after = await fetch(`http://127.0.0.1:${port}/api/v1/health`).catch(() => undefined);
    assert(after === undefined, 'something still answers on the port after Ctrl-C');
  });
}

try {
  if (!process.argv.includes('--clone-only')) await packagesFromTarballs();
  if (!process.argv.includes('--packages-only')) await freshClone();
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`\ntest:install: ${passed} passed, ${failed} failed`);
if (process.env.AIOBS_TEST_COUNTS_FILE) {
  writeFileSync(process.env.AIOBS_TEST_COUNTS_FILE, JSON.stringify({ passed, failed }));
}
process.exit(failed > 0 ? 1 : 0);
