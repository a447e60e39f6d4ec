/**
 * OpenAI chat messages → the GenAI conventions' message shape (`gen_ai.input.messages`,
 * `gen_ai.output.messages`): `{ role, parts: [{ type: 'text', content } | { type: 'tool_call', … }] }`.
 * Pure; only used when message content capture is on.
 */

/** One part of a GenAI message. */
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name?: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: string };

/** A GenAI message as the conventions' JSON schema describes it. */
export interface GenAiMessage {
  role: string;
  parts: MessagePart[];
  finish_reason?: string;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object';

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isRec).map((p): MessagePart => {
    if (p.type === 'text' && typeof p.text === 'string') return { type: 'text', content: p.text };
    return { type: typeof p.type === 'string' ? p.type : 'unknown' };
  });
}

function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

function toolCallParts(toolCalls: unknown): MessagePart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.filter(isRec).map((t) => {
    const fn = isRec(t.function) ? t.function : {};
    return {
      type: 'tool_call',
      id: typeof t.id === 'string' ? t.id : undefined,
      name: typeof fn.name === 'string' ? fn.name : undefined,
      arguments: parseArguments(fn.arguments),
    };
  });
}

/** Converts a request's `messages` array. */
export function inputMessages(messages: unknown): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter(isRec).map((m) => {
    const role = typeof m.role === 'string' ? m.role : 'user';
    if (role === 'tool') {
      return {
        role,
        parts: [
          {
            type: 'tool_call_response',
            id: typeof m.tool_call_id === 'string' ? m.tool_call_id : undefined,
            response: m.content,
          },
        ],
      };
    }
    return { role, parts: [...contentParts(m.content), ...toolCallParts(m.tool_calls)] };
  });
}

/** Converts a ChatCompletion's `choices`. */
export function outputMessages(choices: unknown): GenAiMessage[] {
  if (!Array.isArray(choices)) return [];
  return choices.filter(isRec).map((c) => {
    const msg = isRec(c.message) ? c.message : {};
    const out: GenAiMessage = {
      role: typeof msg.role === 'string' ? msg.role : 'assistant',
      parts: [...contentParts(msg.content), ...toolCallParts(msg.tool_calls)],
    };
    if (typeof c.finish_reason === 'string') out.finish_reason = c.finish_reason;
    return out;
  });
}
