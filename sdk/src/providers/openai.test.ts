import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { histogramPoints, initInMemory, type MemoryPipeline } from '../in-memory.test-util.js';
import { instrumentOpenAI } from './openai.js';

/** A small OpenAI-compatible server: chat (plain, SSE stream, errors) and embeddings. */
function startFakeOpenAI(): Promise<Server> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    if (req.url === '/v1/embeddings') {
      const vec = new Float32Array([0.1, 0.2, 0.3, 0.4]);
      const embedding =
        body.encoding_format === 'base64'
          ? Buffer.from(vec.buffer).toString('base64')
          : Array.from(vec);
      return json(200, {
        object: 'list',
        model: `${body.model}-v2`,
        data: [{ object: 'embedding', index: 0, embedding }],
        usage: { prompt_tokens: 7, total_tokens: 7 },
      });
    }
    if (req.url !== '/v1/chat/completions') return json(404, { error: { message: 'not found' } });
    if (body.model === 'rate-limited') {
      return json(429, {
        error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
      });
    }
    const words = ['Hello', ' there', ', friend', '.'];
    const base = {
      id: 'chatcmpl-1',
      created: 1,
      model: `${body.model}-2024-08-06`,
      system_fingerprint: 'fp_1',
    };
    if (!body.stream) {
      return json(200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: words.join('') },
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 11,
          completion_tokens: 4,
          total_tokens: 15,
          prompt_tokens_details: { cached_tokens: 3 },
        },
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (v: unknown) => {
      res.write(`data: ${JSON.stringify(v)}\n\n`);
    };
    words.forEach((w, i) => {
      send({
        ...base,
        object: 'chat.completion.chunk',
        choices: [
          {
            index: 0,
            delta: i === 0 ? { role: 'assistant', content: w } : { content: w },
            finish_reason: null,
          },
        ],
      });
    });
    send({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    });
    if (body.stream_options?.include_usage) {
      send({
        ...base,
        object: 'chat.completion.chunk',
        choices: [],
        usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
      });
    }
    res.end('data: [DONE]\n\n');
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

let server: Server;
let port: number;
let p: MemoryPipeline;
const client = (opts: Parameters<typeof instrumentOpenAI>[1] = {}) =>
  instrumentOpenAI(
    new OpenAI({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }),
    opts,
  );

beforeAll(async () => {
  server = await startFakeOpenAI();
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  p = initInMemory();
});
afterEach(() => p.shutdown());

describe('instrumentOpenAI: chat completions', () => {
  it('traces a plain completion and keeps the APIPromise', async () => {
    const openai = client({ version: '2024-08', variant: 'control' });
    const promise = openai.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 50,
      temperature: 0.2,
    });
    expect(typeof promise.withResponse).toBe('function');
    const { data, response } = await promise.withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello there, friend.');
    expect(response.status).toBe(200);
    const [span] = await p.spans();
    expect(span?.name).toBe('chat gpt-test');
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-test',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.model': 'gpt-test-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cache_read.input_tokens': 3,
      'openai.response.system_fingerprint': 'fp_1',
      'aiobs.model.version': '2024-08',
      'aiobs.deployment.variant': 'control',
      'server.address': '127.0.0.1',
      'server.port': port,
    });
    expect(span?.attributes).not.toHaveProperty('gen_ai.input.messages');
    const metrics = await p.metrics();
    const dur = histogramPoints(metrics, 'gen_ai.client.operation.duration', {
      'server.port': port,
    });
    expect(dur[0]?.attributes['gen_ai.response.model']).toBe('gpt-test-2024-08-06');
    const tokens = histogramPoints(metrics, 'gen_ai.client.token.usage', {
      'gen_ai.token.type': 'output',
    });
    expect(tokens[0]?.value.sum).toBe(4);
  });

  it('traces a stream to its end with time to first chunk and usage', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello there, friend.');
    const [span] = await p.spans();
    expect(span?.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gpt-test-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 4,
    });
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    const ttfc = histogramPoints(await p.metrics(), 'gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc[0]?.value.count).toBe(1);
  });

  it('records an API error and rejects with the same error object', async () => {
    let caught: unknown;
    try {
      await client().chat.completions.create({
        model: 'rate-limited',
        messages: [{ role: 'user', content: 'hi' }],
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OpenAI.RateLimitError);
    const [span] = await p.spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('RateLimitError');
    const dur = histogramPoints(await p.metrics(), 'gen_ai.client.operation.duration', {
      'error.type': 'RateLimitError',
    });
    expect(dur).toHaveLength(1);
  });

  it('records a connection failure without an unhandled rejection', async () => {
    const dead = instrumentOpenAI(
      new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0 }),
    );
    await expect(dead.chat.completions.create({ model: 'm', messages: [] })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
    const [span] = await p.spans();
    expect(span?.attributes['error.type']).toBe('APIConnectionError');
  });

  it('captures messages only when asked to', async () => {
    await client({ captureMessageContent: true }).chat.completions.create({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    const [span] = await p.spans();
    expect(JSON.parse(String(span?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'hi' }] },
    ]);
    expect(JSON.parse(String(span?.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Hello there, friend.' }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('captures messages when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true', async () => {
    await p.shutdown();
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    try {
      p = initInMemory();
      await client().chat.completions.create({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'hi' }],
      });
      const [span] = await p.spans();
      expect(span?.attributes['gen_ai.input.messages']).toBe(
        JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
      );
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    }
  });

  it('captures streamed output when asked to', async () => {
    const stream = await client({ captureMessageContent: true }).chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const _ of stream) {
      // drain
    }
    const [span] = await p.spans();
    expect(JSON.parse(String(span?.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Hello there, friend.' }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('instruments a client once, however often it is called', async () => {
    const openai = client();
    instrumentOpenAI(openai);
    await openai.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(await p.spans()).toHaveLength(1);
  });
});

describe('instrumentOpenAI: embeddings', () => {
  it('traces an embeddings call', async () => {
    const res = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
    });
    expect(res.data[0]?.embedding).toHaveLength(4);
    const [span] = await p.spans();
    expect(span?.name).toBe('embeddings text-embedding-3-small');
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.embeddings.dimension.count': 4,
      'gen_ai.response.model': 'text-embedding-3-small-v2',
    });
  });
});
