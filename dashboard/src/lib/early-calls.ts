import type { QueryClient } from '@tanstack/react-query';
import { api } from './api-client.js';
import type { SentCall } from './range-call.js';
import type { ResolvedRange } from './time-range.js';

// The boot script (boot.ts, a few kB) runs while the app's entry script (React, the router,
// the query cache: ~90 kB gzipped) is still downloading and compiling: it sends the session
// check and, once that says signed in, the opened page's first calls, and leaves their
// answers here. The app adopts them as the queries' fetches (adoptEarlyCalls), so its own
// loader and page find them in flight or answered instead of asking again.

/** An answer kept settled, so a failure waiting here for the app is not an unhandled one. */
type Settled = { value: unknown } | { error: unknown };

/**
 * A call the boot script sent: the query key it answers, and its answer; with `pageRange`,
 * the first page of a paged query, which keeps the range it was asked over.
 */
interface EarlyCall {
  key: readonly unknown[];
  answer: Promise<Settled>;
  pageRange?: ResolvedRange;
}

let session: Promise<Settled> | undefined;
const waiting: EarlyCall[] = [];
let adopt: ((call: EarlyCall) => void) | undefined;
/** Whether the app's query cache already holds (or fetches) the query of `key`. */
let asked: ((key: readonly unknown[]) => boolean) | undefined;

function settle(p: Promise<unknown>): Promise<Settled> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

async function unwrap(p: Promise<Settled>): Promise<unknown> {
  const s = await p;
  if ('error' in s) throw s.error;
  return s.value;
}

/** Name of the collector's script-readable hint that a session probably exists (no secret). */
const SIGNED_IN_HINT = 'aiobs_signed_in';

/** Whether the page's cookies carry the collector's signed-in hint. */
function signedInHint(): boolean {
  if (typeof document === 'undefined') return false;
  return document.cookie.split(';').some((c) => c.trim() === `${SIGNED_IN_HINT}=1`);
}

/**
 * Sends the session check now and the calls `calls()` names (each a query key and its API
 * path; evaluated when sent, so relative ranges resolve then): at once beside the check when
 * the collector's signed-in hint is `hinted`, else once the check answers signed in. Chained
 * calls wait for the main thread, busy compiling the app's entry, to run the check's callback
 * (300-800 ms measured), which is why a hinted visit does not wait. A signed-out visit
 * without the hint makes only the session check, as without the boot script. `next`, given
 * the answers of those calls once all have answered, names the calls that needed them; a
 * call the app has asked for by then is left to the app.
 */
export function sendEarlyCalls(
  calls: () => SentCall[],
  hinted: boolean = signedInHint(),
  next?: (answers: unknown[]) => SentCall[],
): void {
  session = settle(api('/auth/session'));
  const send = (list: SentCall[]) => {
    const answers: Promise<Settled>[] = [];
    for (const c of list) {
      if (asked?.(c.key)) continue;
      const sentAtMs = Date.now();
      const answer = settle(
        c.timed
          ? api<object>(c.path).then((a) => ({ ...a, requestedAtMs: sentAtMs }))
          : api(c.path),
      );
      answers.push(answer);
      const call = { key: c.key, answer, pageRange: c.pageRange };
      if (adopt) adopt(call);
      else waiting.push(call);
    }
    return answers;
  };
  const first = async () => {
    const settled = await Promise.all(send(calls()));
    if (!next || settled.some((s) => 'error' in s)) return;
    send(next(settled.map((s) => (s as { value: unknown }).value)));
  };
  if (hinted) void first();
  else void session.then((s) => ('error' in s ? undefined : first()));
}

/** The boot script's session check, once (a later check asks the collector again). */
export function takeEarlySession(): Promise<unknown> | undefined {
  const s = session;
  session = undefined;
  return s && unwrap(s);
}

/**
 * Makes each early call (sent already, or sent later once the session answers) the fetch of
 * its query in `queryClient`: the page's loader and hooks then share that one request.
 */
export function adoptEarlyCalls(queryClient: QueryClient): void {
  adopt = ({ key, answer, pageRange }) => {
    if (pageRange === undefined) {
      void queryClient.prefetchQuery({ queryKey: key, queryFn: () => unwrap(answer) });
      return;
    }
    void queryClient.prefetchInfiniteQuery({
      queryKey: key,
      initialPageParam: undefined,
      queryFn: async () => ({ ...((await unwrap(answer)) as object), range: pageRange }),
      // Only the first page is fetched here; the page's own query, once mounted, decides
      // (with its options) whether there is a next one and fetches it.
      getNextPageParam: () => undefined,
    });
  };
  asked = (key) => queryClient.getQueryState(key) !== undefined;
  for (const call of waiting.splice(0)) adopt(call);
}
