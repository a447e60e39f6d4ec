import type { Attributes } from '@opentelemetry/api';
import type { Inference, InferenceHooks } from '../inference.js';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT,
} from '../semconv.js';
import {
  type GenAiMessage,
  inputMessages,
  type MessagePart,
  outputMessages,
} from './openai-messages.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Span attributes of a chat completion request (GenAI conventions, OpenAI refinement). */
export function chatRequestAttributes(body: Rec, captureContent: boolean): Attributes {
  const a: Attributes = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (num(maxTokens)) a[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
  if (num(body.temperature)) a[ATTR_GEN_AI_REQUEST_TEMPERATURE] = body.temperature;
  if (num(body.top_p)) a[ATTR_GEN_AI_REQUEST_TOP_P] = body.top_p;
  if (num(body.frequency_penalty))
    a[ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY] = body.frequency_penalty;
  if (num(body.presence_penalty)) a[ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY] = body.presence_penalty;
  if (num(body.seed)) a[ATTR_GEN_AI_REQUEST_SEED] = body.seed;
  if (num(body.n) && body.n !== 1) a[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = body.n;
  if (typeof body.stop === 'string') a[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = [body.stop];
  else if (Array.isArray(body.stop)) {
    a[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = body.stop.filter(
      (s): s is string => typeof s === 'string',
    );
  }
  if (body.stream === true) a[ATTR_GEN_AI_REQUEST_STREAM] = true;
  const format = isRec(body.response_format) ? body.response_format.type : undefined;
  if (format === 'text') a[ATTR_GEN_AI_OUTPUT_TYPE] = 'text';
  else if (format === 'json_object' || format === 'json_schema')
    a[ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
  if (captureContent) a[ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(inputMessages(body.messages));
  return a;
}

/** Records what a response or chunk says about usage (shared by plain and streamed responses). */
function recordUsage(inf: Inference, usage: unknown): void {
  if (!isRec(usage)) return;
  inf.setUsage({
    inputTokens: num(usage.prompt_tokens) ? usage.prompt_tokens : undefined,
    outputTokens: num(usage.completion_tokens) ? usage.completion_tokens : undefined,
  });
  const details = usage.prompt_tokens_details;
  if (isRec(details) && num(details.cached_tokens)) {
    inf.span.setAttribute(ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, details.cached_tokens);
  }
}

function recordResponseMeta(inf: Inference, r: Rec): void {
  if (typeof r.id === 'string') inf.span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, r.id);
  if (typeof r.model === 'string') inf.setResponseModel(r.model);
  if (typeof r.system_fingerprint === 'string') {
    inf.span.setAttribute(ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT, r.system_fingerprint);
  }
  if (typeof r.service_tier === 'string')
    inf.span.setAttribute(ATTR_OPENAI_RESPONSE_SERVICE_TIER, r.service_tier);
}

/**
 * Hooks that read a chat completion: the ChatCompletion for plain calls, or the chunks of a
 * `stream: true` call (accumulated per choice; usage arrives in the last chunk when the caller
 * asked for `stream_options: { include_usage: true }`).
 */
export function chatHooks(captureContent: boolean): InferenceHooks {
  const choices = new Map<number, { text: string; finish?: string; tools: Map<number, Rec> }>();
  let meta = false;
  return {
    onResult(value, inf) {
      if (!isRec(value)) return;
      recordResponseMeta(inf, value);
      recordUsage(inf, value.usage);
      if (Array.isArray(value.choices)) {
        inf.setFinishReasons(value.choices.filter(isRec).map((c) => String(c.finish_reason ?? '')));
        if (captureContent)
          inf.span.setAttribute(
            ATTR_GEN_AI_OUTPUT_MESSAGES,
            JSON.stringify(outputMessages(value.choices)),
          );
      }
    },
    onChunk(chunk, inf) {
      if (!isRec(chunk)) return;
      if (!meta) {
        meta = true;
        recordResponseMeta(inf, chunk);
      }
      if (chunk.usage) recordUsage(inf, chunk.usage);
      if (!Array.isArray(chunk.choices)) return;
      for (const c of chunk.choices) {
        if (!isRec(c)) continue;
        const index = num(c.index) ? c.index : 0;
        let acc = choices.get(index);
        if (acc === undefined) {
          acc = { text: '', tools: new Map() };
          choices.set(index, acc);
        }
        if (typeof c.finish_reason === 'string') acc.finish = c.finish_reason;
        if (!captureContent || !isRec(c.delta)) continue;
        if (typeof c.delta.content === 'string') acc.text += c.delta.content;
        if (Array.isArray(c.delta.tool_calls)) accumulateToolCalls(acc.tools, c.delta.tool_calls);
      }
    },
    onStreamEnd(inf) {
      const ordered = [...choices.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
      if (ordered.length > 0) inf.setFinishReasons(ordered.map((c) => c.finish ?? ''));
      if (!captureContent) return;
      const messages: GenAiMessage[] = ordered.map((c) => {
        const parts: MessagePart[] = c.text ? [{ type: 'text', content: c.text }] : [];
        for (const t of c.tools.values()) {
          parts.push({
            type: 'tool_call',
            id: t.id as string,
            name: t.name as string,
            arguments: t.arguments,
          });
        }
        const m: GenAiMessage = { role: 'assistant', parts };
        if (c.finish) m.finish_reason = c.finish;
        return m;
      });
      inf.span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, JSON.stringify(messages));
    },
  };
}

function accumulateToolCalls(into: Map<number, Rec>, deltas: unknown[]): void {
  for (const d of deltas) {
    if (!isRec(d)) continue;
    const i = num(d.index) ? d.index : 0;
    const t = into.get(i) ?? { arguments: '' };
    if (typeof d.id === 'string') t.id = d.id;
    const fn = isRec(d.function) ? d.function : {};
    if (typeof fn.name === 'string') t.name = fn.name;
    if (typeof fn.arguments === 'string') t.arguments = `${t.arguments as string}${fn.arguments}`;
    into.set(i, t);
  }
}
