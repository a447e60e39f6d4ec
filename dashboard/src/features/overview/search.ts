/** How the Overview's time charts are split: `model`, one line per model; absent, all together. */
export type OverviewSplit = 'model';

/** The Overview's own search params (`/`), beside the shared range. */
export interface OverviewSearch {
  split?: OverviewSplit;
}

/**
 * The Overview's params from the URL: `split=model` splits its charts by model; anything else
 * is the default (every model on one line), so a mangled link still opens the page.
 */
export function validateOverviewSearch(raw: Record<string, unknown>): OverviewSearch {
  return { split: raw.split === 'model' ? 'model' : undefined };
}
