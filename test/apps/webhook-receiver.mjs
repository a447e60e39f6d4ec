#!/usr/bin/env node
// A webhook receiver for the alert delivery end-to-end suite: a separate process, as a real
// receiver is, that verifies every request with the Standard Webhooks reference library.
//
//   node test/apps/webhook-receiver.mjs [--port N]
//
// Prints {"listening": PORT} on stdout once it accepts connections, then serves, on
// 127.0.0.1 only:
//   POST /hook/<name>       a webhook: verified with <name>'s secret; answered with the
//                           next scripted status (then 200), or 401 when it does not verify
//   PUT  /_config/<name>    {"secret": "whsec_…", "fail": [503, 503]} for hook <name>
//   GET  /_received         every webhook so far: name, webhook-id, verified, status, body
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;

/** @type {Map<string, {secret: string, fail: number[]}>} */
const hooks = new Map();
/** @type {{name: string, webhookId: string, verified: boolean, status: number, body: unknown, error?: string}[]} */
const received = [];

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://receiver');
  const body = await readBody(req);
  const [, kind, name] = url.pathname.split('/');
  if (req.method === 'PUT' && kind === '_config' && name) {
    const cfg = JSON.parse(body);
    hooks.set(name, { secret: cfg.secret, fail: [...(cfg.fail ?? [])] });
    res.writeHead(204).end();
    return;
  }
  if (req.method === 'GET' && kind === '_received') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
    return;
  }
  if (req.method === 'POST' && kind === 'hook' && name) {
    const hook = hooks.get(name);
    const entry = {
      name,
      webhookId: String(req.headers['webhook-id'] ?? ''),
      verified: false,
      status: 0,
      body: null,
    };
    try {
      if (!hook) throw new Error(`no secret configured for hook ${name}`);
      entry.body = new Webhook(hook.secret).verify(body, req.headers);
      entry.verified = true;
      entry.status = hook.fail.shift() ?? 200;
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      entry.status = 401;
    }
    received.push(entry);
    res.writeHead(entry.status).end();
    return;
  }
  res.writeHead(404).end();
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
