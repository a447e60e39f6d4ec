import { defaultParseSearch } from '@tanstack/react-router';
import { firstCalls, nextCalls } from './first-calls.js';
import { setProject } from './lib/api-client.js';
import { sendEarlyCalls } from './lib/early-calls.js';
import { validateRangeSearch } from './lib/search.js';

// The boot script: a separate entry that index.html loads before the app's (route-preload.ts
// puts it there). It sends the session check and the opened page's first calls, those its
// first chart waits for, while the app's code downloads and compiles (lib/early-calls.ts);
// the route's loader (preload.ts) sends the rest once the app runs. Only pure modules here:
// whatever this imports must not pull React in, or the boot script would run no sooner.

// The benchmark (bench/dashboard.mjs) reads this mark: the boot script ran.
performance.mark('aiobs:boot');

// Not on the sign-in page, where the session check would only answer 401 (as main.tsx).
const path = window.location.pathname;
if (path !== '/sign-in') {
  // Parsed as the router parses it, so the keys are those the pages' queries use.
  const raw = defaultParseSearch(window.location.search) as Record<string, unknown>;
  // Requests and cache keys name the URL's project (api-client, query-client), as the route
  // loader sets it before its own calls.
  setProject(validateRangeSearch(raw).project);
  // Resolved once the session has answered, so a relative range ends then.
  sendEarlyCalls(
    () => firstCalls(path, raw, Date.now()),
    undefined,
    (answers) => nextCalls(path, raw, Date.now(), answers),
  );
}
