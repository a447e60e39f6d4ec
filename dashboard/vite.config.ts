import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { routePreload } from './route-preload.js';

// The collector serves the built files and the API from one origin, so the dev server
// proxies API calls to a locally running collector.
export default defineConfig({
  plugins: [react(), routePreload()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    // No inline script or eval: the collector's CSP is `script-src 'self'`.
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:4318' } },
});
