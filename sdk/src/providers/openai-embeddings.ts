import type { Attributes } from '@opentelemetry/api';
import type { InferenceHooks } from '../inference.js';
import {
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
} from '../semconv.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object';

/** Span attributes of an embeddings request. */
export function embeddingsRequestAttributes(body: Rec): Attributes {
  const a: Attributes = {};
  if (typeof body.encoding_format === 'string')
    a[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [body.encoding_format];
  if (typeof body.dimensions === 'number')
    a[ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = body.dimensions;
  return a;
}

/** Reads model, input tokens and the vector size from a CreateEmbeddingResponse. */
export function embeddingsHooks(): InferenceHooks {
  return {
    onResult(value, inf) {
      if (!isRec(value)) return;
      if (typeof value.model === 'string') inf.setResponseModel(value.model);
      const usage = value.usage;
      if (isRec(usage) && typeof usage.prompt_tokens === 'number')
        inf.setUsage({ inputTokens: usage.prompt_tokens });
      const first = Array.isArray(value.data) ? value.data[0] : undefined;
      if (isRec(first) && Array.isArray(first.embedding)) {
        inf.span.setAttribute(ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, first.embedding.length);
      }
    },
  };
}
