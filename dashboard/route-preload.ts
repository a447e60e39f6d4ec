import { resolve } from 'node:path';
import type { Plugin } from 'vite';

/**
 * The page module each client-side route loads lazily (router.tsx), by URL path. The build
 * fails when one of them produced no chunk, so a renamed page is noticed here.
 */
export const ROUTE_MODULES: Record<string, string> = {
  '/': 'src/features/overview/index.tsx',
  '/models': 'src/features/models/index.tsx',
  '/models/view': 'src/features/models/model-page.tsx',
  '/models/compare': 'src/features/models/compare-page.tsx',
  '/traces': 'src/features/traces/index.tsx',
  '/traces/view': 'src/features/traces/trace-page.tsx',
  '/infrastructure': 'src/features/infrastructure/index.tsx',
  '/drift': 'src/features/drift/index.tsx',
  '/alerts': 'src/features/alerts/index.tsx',
  '/settings': 'src/features/settings/index.tsx',
};

/** The boot script's module (src/boot.ts): the opened page's first calls, before the app. */
const BOOT_MODULE = 'src/boot.ts';

/**
 * Modulepreloads the opened route's page chunk and the chunks it imports (recharts...) from
 * the HTML, so that they download while the entry script does instead of after it has run:
 * a small script (same origin, so the CSP's `script-src 'self'` allows it) picks the route's
 * list by `location.pathname` and adds `<link rel="modulepreload">` for each file. Also builds
 * the boot script (src/boot.ts) as an entry of its own and loads it before the app's entry:
 * module scripts run in document order, and the boot script is a few kB, so it sends the
 * page's first calls while the app's entry is still on its way.
 */
export function routePreload(): Plugin {
  let root = '';
  let boot = '';
  return {
    name: 'aiobs-route-preload',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      root = config.root;
    },
    buildStart() {
      boot = this.emitFile({ type: 'chunk', id: resolve(root, BOOT_MODULE), name: 'boot' });
    },
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
      // The entry and what it imports are in the HTML already (script, modulepreload).
      const entry = new Set<string>();
      const inEntry = (fileName: string): void => {
        if (entry.has(fileName)) return;
        entry.add(fileName);
        const c = bundle[fileName];
        for (const dep of c?.type === 'chunk' ? c.imports : []) inEntry(dep);
      };
      for (const c of chunks) if (c.isEntry) inEntry(c.fileName);
      const byModule = new Map(
        chunks.flatMap((c) => (c.facadeModuleId ? [[c.facadeModuleId, c] as const] : [])),
      );
      const files = (fileName: string, seen: Set<string>): void => {
        if (seen.has(fileName) || entry.has(fileName)) return;
        seen.add(fileName);
        for (const dep of bundle[fileName]?.type === 'chunk' ? bundle[fileName].imports : [])
          files(dep, seen);
      };
      const routes: Record<string, string[]> = {};
      for (const [path, module] of Object.entries(ROUTE_MODULES)) {
        const chunk = [...byModule.entries()].find(([id]) => id.endsWith(`/${module}`))?.[1];
        if (!chunk)
          this.error(`route ${path}: no chunk for ${module} (renamed? see ROUTE_MODULES)`);
        const seen = new Set<string>();
        files(chunk.fileName, seen);
        routes[path] = [...seen].map((f) => `/${f}`);
      }
      const script = this.emitFile({
        type: 'asset',
        name: 'route-preload.js',
        source: `(()=>{const r=${JSON.stringify(routes)}[location.pathname]||[];for(const h of r){const l=document.createElement('link');l.rel='modulepreload';l.crossOrigin='';l.href=h;document.head.appendChild(l);}})();\n`,
      });
      const html = bundle['index.html'];
      if (html?.type !== 'asset') this.error('index.html is not in the bundle');
      const bootFile = this.getFileName(boot);
      const bootChunk = bundle[bootFile];
      // The boot script's own imports (the pure modules it shares with the app), fetched
      // beside it rather than once it has been parsed.
      const bootImports = bootChunk?.type === 'chunk' ? bootChunk.imports : [];
      const tags = [
        `<script src="/${this.getFileName(script)}"></script>`,
        `<script type="module" crossorigin src="/${bootFile}"></script>`,
        ...bootImports
          .filter((f) => !String(html.source).includes(`"/${f}"`))
          .map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`),
      ];
      html.source = String(html.source).replace(
        /(\s*)<script type="module"/,
        (_all, space: string) =>
          `${tags.map((t) => space + t).join('')}${space}<script type="module"`,
      );
    },
  };
}
