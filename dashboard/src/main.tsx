import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setUnauthorizedHandler } from './lib/api-client.js';
import { createQueryClient } from './lib/query-client.js';
import { applyTheme, currentTheme } from './lib/theme.js';
import { router } from './router.js';
import './styles.css';

applyTheme(currentTheme());
const queryClient = createQueryClient();
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
