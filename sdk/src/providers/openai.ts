import { type Attributes, context } from '@opentelemetry/api';
import { Inference, type InferenceHooks } from '../inference.js';
import { settle, settleValue } from '../instrument.js';
import { runtime } from '../runtime.js';
import {
  GEN_AI_OPERATION_CHAT,
  GEN_AI_OPERATION_EMBEDDINGS,
  GEN_AI_PROVIDER_OPENAI,
} from '../semconv.js';
import { chatHooks, chatRequestAttributes } from './openai-chat.js';
import { embeddingsHooks, embeddingsRequestAttributes } from './openai-embeddings.js';

/** Options of {@link instrumentOpenAI}. */
export interface InstrumentOpenAIOptions {
  /** `gen_ai.provider.name`; default `openai` (`azure.ai.openai` for an `AzureOpenAI` client). */
  provider?: string;
  /** `aiobs.model.version` for every call made through this client. */
  version?: string;
  /** `aiobs.deployment.variant` (A/B arm) for every call made through this client. */
  variant?: string;
  /**
   * Record prompts and completions (`gen_ai.input.messages` / `gen_ai.output.messages`).
   * Default: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`, else off.
   */
  captureMessageContent?: boolean;
}

type Rec = Record<string, unknown>;
type CreateFn = (this: unknown, body: unknown, ...rest: unknown[]) => unknown;
interface Resource {
  create?: CreateFn;
}
/** What `openai` 6.x's `APIPromise` offers; duck-typed so the SDK does not depend on `openai`. */
interface ApiPromiseLike {
  responsePromise: PromiseLike<unknown>;
  _thenUnwrap(transform: (data: unknown) => unknown): unknown;
}

interface CallSpec {
  operation: string;
  attributes(body: Rec, capture: boolean): Attributes;
  hooks(capture: boolean): InferenceHooks;
}

const CHAT: CallSpec = {
  operation: GEN_AI_OPERATION_CHAT,
  attributes: chatRequestAttributes,
  hooks: chatHooks,
};
const EMBEDDINGS: CallSpec = {
  operation: GEN_AI_OPERATION_EMBEDDINGS,
  attributes: (body) => embeddingsRequestAttributes(body),
  hooks: () => embeddingsHooks(),
};

const INSTRUMENTED = Symbol.for('@aiobs/sdk.instrumented');

/**
 * Instruments an `openai` (6.x) client in place and returns it: `chat.completions.create`
 * (plain and `stream: true`, with time to first chunk, usage and finish reasons) and
 * `embeddings.create` produce GenAI spans and metrics like {@link observeInference}. Return
 * values keep their types (`APIPromise`, `Stream`), so `.withResponse()` and `for await` work
 * as before. Message content is captured only when enabled. Never throws.
 *
 * For token usage of streamed completions, pass `stream_options: { include_usage: true }`: the
 * SDK does not change requests.
 *
 * @example
 * const openai = instrumentOpenAI(new OpenAI(), { version: '2024-08', variant: 'control' });
 * const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
 */
export function instrumentOpenAI<T extends object>(
  client: T,
  options: InstrumentOpenAIOptions = {},
): T {
  try {
    const c = client as {
      baseURL?: unknown;
      chat?: { completions?: Resource };
      embeddings?: Resource;
    };
    const base = {
      provider:
        options.provider ??
        (client.constructor?.name === 'AzureOpenAI' ? 'azure.ai.openai' : GEN_AI_PROVIDER_OPENAI),
      version: options.version,
      variant: options.variant,
      server: serverOf(c.baseURL),
    };
    const capture = () => options.captureMessageContent ?? runtime.captureContent;
    patch(c.chat?.completions, CHAT, base, capture);
    patch(c.embeddings, EMBEDDINGS, base, capture);
  } catch {
    // an unexpected client shape: leave it as it is
  }
  return client;
}

interface Base {
  provider: string;
  version: string | undefined;
  variant: string | undefined;
  server: { address: string; port?: number } | undefined;
}

function patch(
  target: Resource | undefined,
  spec: CallSpec,
  base: Base,
  capture: () => boolean,
): void {
  if (!target || typeof target.create !== 'function') return;
  if ((target as Record<symbol, unknown>)[INSTRUMENTED]) return;
  const original = target.create;
  Object.defineProperty(target, 'create', {
    configurable: true,
    writable: true,
    value: function aiobsCreate(this: unknown, body: unknown, ...rest: unknown[]) {
      return call(original, this, body, rest, spec, base, capture);
    },
  });
  Object.defineProperty(target, INSTRUMENTED, { value: true });
}

function call(
  original: CreateFn,
  self: unknown,
  body: unknown,
  rest: unknown[],
  spec: CallSpec,
  base: Base,
  capture: () => boolean,
): unknown {
  let inf: Inference | undefined;
  let hooks: InferenceHooks | undefined;
  try {
    const b = body !== null && typeof body === 'object' ? (body as Rec) : {};
    const cap = capture();
    inf = new Inference({
      model: typeof b.model === 'string' ? b.model : 'unknown',
      operation: spec.operation,
      provider: base.provider,
      version: base.version,
      variant: base.variant,
      server: base.server,
      attributes: spec.attributes(b, cap),
    });
    hooks = spec.hooks(cap);
  } catch {
    // telemetry failed to start: make the call untouched
  }
  if (inf === undefined) return original.call(self, body, ...rest);
  const i = inf;
  let result: unknown;
  try {
    result = context.with(i.context, () => original.call(self, body, ...rest));
  } catch (err) {
    i.fail(err);
    throw err;
  }
  if (isApiPromise(result)) {
    try {
      // Errors (HTTP status, network, timeout) surface on responsePromise; a side branch sees
      // them without changing what the caller awaits. Success goes through _thenUnwrap, which
      // keeps the APIPromise type (withResponse, asResponse) for the caller.
      result.responsePromise.then(undefined, (err: unknown) => i.fail(err));
      return result._thenUnwrap((data) => settleValue(i, data, hooks));
    } catch {
      // not the APIPromise we know: treat it as a plain promise below
    }
  }
  return settle(i, result, hooks);
}

function isApiPromise(v: unknown): v is ApiPromiseLike {
  if (v === null || typeof v !== 'object') return false;
  const p = v as Partial<ApiPromiseLike>;
  return typeof p._thenUnwrap === 'function' && typeof p.responsePromise?.then === 'function';
}

function serverOf(baseURL: unknown): Base['server'] {
  if (typeof baseURL !== 'string') return undefined;
  try {
    const u = new URL(baseURL);
    const port = u.port
      ? Number(u.port)
      : u.protocol === 'https:'
        ? 443
        : u.protocol === 'http:'
          ? 80
          : undefined;
    return port === undefined ? { address: u.hostname } : { address: u.hostname, port };
  } catch {
    return undefined;
  }
}
