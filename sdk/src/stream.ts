import type { Inference, InferenceHooks } from './inference.js';

/**
 * Whether a result is a stream the SDK should follow to its end: an async iterable that is
 * not a Node or web stream (those are usually piped, not iterated, so their end would never
 * be seen and the span would never close).
 */
export function isObservableStream(v: unknown): v is AsyncIterable<unknown> {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<PropertyKey, unknown>;
  return (
    typeof o[Symbol.asyncIterator] === 'function' &&
    typeof o.pipe !== 'function' &&
    typeof o.pipeTo !== 'function'
  );
}

/**
 * Instruments a stream in place: its `[Symbol.asyncIterator]` is shadowed by one that marks
 * the first chunk, passes each chunk to `hooks.onChunk` and ends the inference when iteration
 * completes, throws or is abandoned (`break`). The object keeps its identity, class and other
 * methods. Only the first iteration is observed. Returns false when the object cannot be
 * changed (frozen), in which case the caller ends the inference itself.
 */
export function instrumentStream(
  stream: AsyncIterable<unknown>,
  inf: Inference,
  hooks?: InferenceHooks,
): boolean {
  const original = stream[Symbol.asyncIterator];
  let observed = false;
  try {
    Object.defineProperty(stream, Symbol.asyncIterator, {
      configurable: true,
      enumerable: false,
      writable: true,
      value: function observedAsyncIterator(this: AsyncIterable<unknown>) {
        const it = original.call(this);
        if (observed) return it;
        observed = true;
        return observeIterator(it, inf, hooks);
      },
    });
    return true;
  } catch {
    return false;
  }
}

function observeIterator(
  it: AsyncIterator<unknown>,
  inf: Inference,
  hooks: InferenceHooks | undefined,
): AsyncIterableIterator<unknown> {
  let done = false;
  const finish = (err?: unknown, failed = false) => {
    if (done) return;
    done = true;
    try {
      hooks?.onStreamEnd?.(inf);
    } catch {
      // a hook's failure must not break iteration
    }
    if (failed) inf.fail(err);
    else inf.end();
  };
  const onNext = (r: IteratorResult<unknown>) => {
    if (r.done) {
      finish();
    } else if (!done) {
      inf.markFirstToken();
      try {
        hooks?.onChunk?.(r.value, inf);
      } catch {
        // a hook's failure must not break iteration
      }
    }
    return r;
  };
  const onError = (err: unknown): never => {
    finish(err, true);
    throw err;
  };
  return {
    next(...args: [] | [unknown]) {
      return Promise.resolve(it.next(...args)).then(onNext, onError);
    },
    return(value?: unknown) {
      finish();
      if (typeof it.return === 'function') return Promise.resolve(it.return(value));
      return Promise.resolve({ done: true as const, value });
    },
    throw(e?: unknown) {
      if (typeof it.throw === 'function') return Promise.resolve(it.throw(e)).then(onNext, onError);
      finish(e, true);
      return Promise.reject(e);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
