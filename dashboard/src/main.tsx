import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setUnauthorizedHandler } from './lib/api-client.js';
import { adoptEarlyCalls } from './lib/early-calls.js';
import { createQueryClient } from './lib/query-client.js';
import { sessionQuery } from './lib/session.js';
import { applyTheme, currentTheme } from './lib/theme.js';
import { createAppRouter } from './router.js';
import './styles.css';

// The benchmark (bench/dashboard.mjs) reads this mark: the entry script has been evaluated.
performance.mark('aiobs:main');
applyTheme(currentTheme());
const queryClient = createQueryClient();
// The calls the boot script sent before this script ran (boot.ts) become the queries' fetches.
adoptEarlyCalls(queryClient);
// The session check (the boot script's when it sent one) is in the cache before React
// renders; the layout and the route loaders wait on this one request. Not on the sign-in
// page, where it would only answer 401.
if (window.location.pathname !== '/sign-in') void queryClient.prefetchQuery(sessionQuery);
const router = createAppRouter(queryClient);
setUnauthorizedHandler(() => {
  queryClient.removeQueries({ queryKey: ['session'] });
  if (router.state.location.pathname !== '/sign-in')
    router.navigate({ to: '/sign-in', search: { redirect: router.state.location.href } });
});

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
