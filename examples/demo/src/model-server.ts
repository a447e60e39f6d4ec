import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerWords } from './prompts.js';
import { chance, logNormal, normal, uniform } from './rng.js';

/** Latency and quality profile of one deployed chat model version. */
interface ChatProfile {
  ttftMedianMs: number;
  msPerToken: number;
  meanTokens: number;
}

/** v2 (the A/B treatment) answers sooner but writes more. */
const CHAT_PROFILES: Record<string, ChatProfile> = {
  v1: { ttftMedianMs: 380, msPerToken: 14, meanTokens: 70 },
  v2: { ttftMedianMs: 230, msPerToken: 11, meanTokens: 95 },
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function promptTokens(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const chars = messages.reduce(
    (n: number, m) => n + String((m as { content?: unknown }).content ?? '').length,
    0,
  );
  return Math.max(1, Math.round(chars / 4)) + 120; // + the system prompt and retrieved context
}

/**
 * A stand-in for self-hosted model servers that speak the OpenAI API (as vLLM and TGI do):
 * `/{version}/chat/completions` (plain and SSE streaming) and `/{version}/embeddings`, with
 * realistic latency, token counts and occasional 429/500/503 answers. The demo's `openai`
 * clients talk to it over real HTTP, so the SDK's OpenAI instrumentation is exercised as in
 * production.
 */
export async function startModelServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: { message: 'model server error' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = /^\/(v\d+)\/(chat\/completions|embeddings)$/.exec(req.url ?? '');
  if (!m || req.method !== 'POST') return json(res, 404, { error: { message: 'not found' } });
  const version = m[1] as string;
  const body = await readJson(req);
  if (m[2] === 'embeddings') return embeddings(res, body);
  return chat(res, body, CHAT_PROFILES[version] ?? (CHAT_PROFILES.v1 as ChatProfile), version);
}

async function embeddings(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
  await sleep(logNormal(18, 0.4));
  if (chance(0.005))
    return json(res, 503, { error: { message: 'embedding replicas are restarting' } });
  const input = String(body.input ?? '');
  const vec = new Float32Array(256);
  for (let i = 0; i < vec.length; i++) vec[i] = Math.sin(i * 0.37 + input.length) * 0.1;
  const embedding =
    body.encoding_format === 'base64'
      ? Buffer.from(vec.buffer).toString('base64')
      : Array.from(vec);
  json(res, 200, {
    object: 'list',
    model: String(body.model ?? 'embedding'),
    data: [{ object: 'embedding', index: 0, embedding }],
    usage: {
      prompt_tokens: Math.max(1, Math.round(input.length / 4)),
      total_tokens: Math.round(input.length / 4),
    },
  });
}

async function chat(
  res: ServerResponse,
  body: Record<string, unknown>,
  p: ChatProfile,
  version: string,
): Promise<void> {
  const ttft = logNormal(p.ttftMedianMs, 0.45);
  if (chance(0.02)) {
    await sleep(ttft / 4);
    return json(
      res,
      429,
      { error: { message: 'Rate limit reached for requests', type: 'requests' } },
      { 'retry-after': '1' },
    );
  }
  if (chance(0.006)) {
    await sleep(ttft);
    return json(res, 500, {
      error: { message: 'CUDA error: an illegal memory access was encountered' },
    });
  }
  // Prompts asking for detail (common once the input drifts) get longer answers.
  const detailed = JSON.stringify(body.messages ?? '').includes('in detail');
  const mean = detailed ? p.meanTokens * 1.6 : p.meanTokens;
  const tokens = Math.max(5, Math.round(normal(mean, mean / 3)));
  const finish = tokens > 250 ? 'length' : 'stop';
  const words = answerWords(tokens);
  const base = {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 12)}`,
    created: Math.floor(Date.now() / 1000),
    model: `support-chat-${version}-2025-06`,
  };
  const usage = {
    prompt_tokens: promptTokens(body),
    completion_tokens: tokens,
    total_tokens: promptTokens(body) + tokens,
  };
  if (body.stream !== true) {
    await sleep(ttft + tokens * p.msPerToken);
    return json(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: words.join(' ') },
          finish_reason: finish,
        },
      ],
      usage,
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (v: unknown) => {
    res.write(`data: ${JSON.stringify(v)}\n\n`);
  };
  await sleep(ttft);
  const per = 4; // tokens per SSE event
  for (let i = 0; i < words.length; i += per) {
    if (res.destroyed) return;
    const content = `${i === 0 ? '' : ' '}${words.slice(i, i + per).join(' ')}`;
    send({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
    });
    await sleep(per * p.msPerToken * uniform(0.6, 1.4));
  }
  send({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: {}, finish_reason: finish }],
  });
  const include = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  if (include) send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  res.end('data: [DONE]\n\n');
}
