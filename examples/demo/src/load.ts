import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { sampleTransaction, trueFraudProbability } from './fraud-model.js';
import { sampleChat, sampleQuery } from './prompts.js';
import { chance, exponential, uniform, weighted } from './rng.js';

/** What the load generator counts. */
export interface LoadStats {
  sent: number;
  ok: number;
  failed: number;
  shed: number;
  feedback: number;
}

export interface LoadOptions {
  serviceUrl: string;
  /** Requests per second. */
  rate: number;
  /** Whether the input distribution has drifted yet. */
  drifted: () => boolean;
  /** Tracer of the calling "web" service (its own provider, so its own service name). */
  webTracer: Tracer;
}

const MIX = { predict: 45, chat: 35, embed: 20 } as const;
const MAX_IN_FLIGHT = 400;
const MAX_PENDING_FEEDBACK = 5000;

/**
 * Drives the inference service like a web front end would: Poisson arrivals at `rate`, a mix
 * of fraud checks, assistant chats (70% streamed) and searches, each a CLIENT span whose W3C
 * trace context travels in the request headers. Ground truth follows later, as it does in
 * production: chargeback outcomes for 70% of fraud checks after a few seconds, thumbs up/down
 * for 30% of chats.
 */
export function startLoad(opts: LoadOptions): { stats: LoadStats; stop(): Promise<void> } {
  const stats: LoadStats = { sent: 0, ok: 0, failed: 0, shed: 0, feedback: 0 };
  const inFlight = new Set<Promise<void>>();
  const feedbackTimers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const post = async (path: string, body: unknown): Promise<Response> => {
    const span = opts.webTracer.startSpan(`POST ${path}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'url.full': `${opts.serviceUrl}${path}`,
        'server.address': '127.0.0.1',
      },
    });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    propagation.inject(trace.setSpan(context.active(), span), headers);
    try {
      const res = await fetch(`${opts.serviceUrl}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      span.setAttribute('http.response.status_code', res.status);
      if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return res;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  };

  const later = (delayMs: number, fn: () => Promise<unknown>) => {
    if (stopped || feedbackTimers.size >= MAX_PENDING_FEEDBACK) return;
    const t = setTimeout(() => {
      feedbackTimers.delete(t);
      if (!stopped) track(fn().then(() => void stats.feedback++));
    }, delayMs);
    feedbackTimers.add(t);
  };

  const one = async (): Promise<void> => {
    const kind = weighted(MIX);
    const drifted = opts.drifted();
    if (kind === 'predict') {
      const transaction = sampleTransaction(drifted);
      const res = await post('/v1/predict', { transaction, requestId: crypto.randomUUID() });
      const out = (await res.json().catch(() => ({}))) as { predictionId?: string; label?: string };
      count(res.ok);
      if (res.ok && out.predictionId && chance(0.7)) {
        const truth = chance(trueFraudProbability(transaction, drifted)) ? 'fraud' : 'legit';
        later(uniform(2000, 10_000), () =>
          post('/v1/feedback', {
            predictionId: out.predictionId,
            label: truth,
            correct: truth === out.label,
          }),
        );
      }
    } else if (kind === 'chat') {
      const req = sampleChat(drifted);
      const res = await post('/v1/chat', { ...req, stream: chance(0.7) });
      await res.text(); // read the whole answer, streamed or not
      count(res.ok);
      const predictionId = res.headers.get('x-prediction-id');
      if (res.ok && predictionId && chance(0.3)) {
        const liked = chance(res.headers.get('x-aiobs-variant') === 'treatment' ? 0.86 : 0.78);
        later(uniform(1000, 4000), () =>
          post('/v1/feedback', { predictionId, score: liked ? 1 : 0 }),
        );
      }
    } else {
      const res = await post('/v1/embed', { text: sampleQuery() });
      await res.text();
      count(res.ok);
    }
  };

  const count = (ok: boolean) => {
    if (ok) stats.ok++;
    else stats.failed++;
  };

  const track = (p: Promise<unknown>) => {
    const q = p.then(
      () => {},
      () => void stats.failed++,
    );
    inFlight.add(q);
    void q.finally(() => inFlight.delete(q));
  };

  // Arrivals are scheduled on absolute times, so timer lateness does not lower the rate.
  let nextAt = performance.now();
  const tick = () => {
    if (stopped) return;
    const now = performance.now();
    while (nextAt <= now) {
      if (inFlight.size >= MAX_IN_FLIGHT) stats.shed++;
      else {
        stats.sent++;
        track(one());
      }
      nextAt += exponential(1000 / opts.rate);
    }
    timer = setTimeout(tick, nextAt - now);
  };
  tick();

  return {
    stats,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const t of feedbackTimers) clearTimeout(t);
      feedbackTimers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
