import type { Change } from '../api/types.js';

/**
 * What appeared in a range: a model, a version of a model or a variant (arm) of a model
 * whose first inference falls inside it. Pure: input is the per-project
 * `(model, version, variant)` first/last-seen rows (aiobs_model_seen), all of them, since
 * "new" means "not seen before the range".
 */

/** First and last sighting of one (model, version, variant), times in Unix ms. */
export interface SeenRow {
  model: string;
  version: string;
  variant: string;
  firstMs: number;
  lastMs: number;
  requests: number;
}

interface Acc {
  firstMs: number;
  lastMs: number;
  requests: number;
}

function add(map: Map<string, Acc>, key: string, r: SeenRow): void {
  const a = map.get(key);
  if (!a) map.set(key, { firstMs: r.firstMs, lastMs: r.lastMs, requests: r.requests });
  else {
    a.firstMs = Math.min(a.firstMs, r.firstMs);
    a.lastMs = Math.max(a.lastMs, r.lastMs);
    a.requests += r.requests;
  }
}

/**
 * Changes whose first sighting is in `[fromMs, toMs)`, oldest first. An empty version or
 * variant (not reported by the app) is never a change of its own.
 */
export function detectChanges(rows: readonly SeenRow[], fromMs: number, toMs: number): Change[] {
  const models = new Map<string, Acc>();
  const versions = new Map<string, Acc>();
  const variants = new Map<string, Acc>();
  for (const r of rows) {
    add(models, JSON.stringify([r.model]), r);
    if (r.version !== '') add(versions, JSON.stringify([r.model, r.version]), r);
    if (r.variant !== '') add(variants, JSON.stringify([r.model, r.variant]), r);
  }
  const out: (Change & { firstMs: number })[] = [];
  const emit = (kind: Change['kind'], map: Map<string, Acc>) => {
    for (const [key, a] of map) {
      if (a.firstMs < fromMs || a.firstMs >= toMs) continue;
      const [model, value] = JSON.parse(key) as [string, string?];
      out.push({
        kind,
        model,
        ...(kind === 'version' ? { version: value } : {}),
        ...(kind === 'variant' ? { variant: value } : {}),
        firstSeen: new Date(a.firstMs).toISOString(),
        lastSeen: new Date(a.lastMs).toISOString(),
        requests: a.requests,
        firstMs: a.firstMs,
      });
    }
  };
  emit('model', models);
  emit('version', versions);
  emit('variant', variants);
  const order = { model: 0, version: 1, variant: 2 };
  out.sort((x, y) => x.firstMs - y.firstMs || order[x.kind] - order[y.kind]);
  return out.map(({ firstMs: _, ...c }) => c);
}
