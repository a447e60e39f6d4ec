import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { DEFAULT_PRICES } from './default-prices.js';
import { mergePrices, type Price, samePrices, sortPrices } from './prices.js';
import { priceListOf } from './sql.js';

/**
 * The price lists in the database (`aiobs_prices`), shared by every collector of a
 * deployment: the instance's (project_id '', the defaults and `--prices-file`) and each
 * project's own, written through the API. A change writes a whole list under a new revision
 * in one insert.
 */

/** The list in force and its revision (0: none written yet). */
export interface PriceList {
  revision: number;
  prices: Price[];
  /** Whose list it is: the project's own, or the instance's that it inherits. */
  scope: 'project' | 'instance';
}

interface PriceRow {
  project_id: string;
  revision: string;
  provider: string;
  model: string;
  effective_from: string;
  input_per_million: number;
  output_per_million: number;
  cache_read_per_million: number;
  gpu_hour_usd: number;
}

/**
 * Creates the prices repository. `file` (from `--prices-file`) overrides the defaults: at
 * first use the list in force becomes defaults + file whenever that differs from the stored
 * one, so the file wins over earlier API changes after a restart. Without a file, defaults
 * are written once, when no list exists, and API changes stay.
 */
export function createPricesRepo(engine: Engine, db: Db, file?: readonly Price[]) {
  const table = db.table('aiobs_prices');
  let ready: Promise<void> | undefined;

  /** The list in force for `project` ('' for the instance's own). */
  async function current(project: string): Promise<PriceList> {
    const rows = await db.rows<PriceRow>(
      `SELECT project_id, revision, provider, model, toString(effective_from) AS effective_from,
         input_per_million, output_per_million, cache_read_per_million, gpu_hour_usd
       FROM ${table} WHERE ${priceListOf(table)}`,
      { project },
    );
    return {
      revision: rows.length ? Number(rows[0]!.revision) : 0,
      scope: project !== '' && rows[0]?.project_id === project ? 'project' : 'instance',
      prices: sortPrices(
        rows.map((r) => {
          const p: Price = {
            provider: r.provider,
            model: r.model,
            effectiveFrom: r.effective_from,
            inputPerMillion: Number(r.input_per_million),
            outputPerMillion: Number(r.output_per_million),
            cacheReadPerMillion: Number(r.cache_read_per_million),
          };
          if (Number(r.gpu_hour_usd) > 0) p.gpuHourUsd = Number(r.gpu_hour_usd);
          return p;
        }),
      ),
    };
  }

  async function write(
    project: string,
    prices: readonly Price[],
    source: string,
    after: number,
  ): Promise<PriceList> {
    // Unique across collectors in practice, and always above the revision replaced.
    const revision = Math.max(Date.now(), after + 1);
    // An empty list still needs a row of its revision (none would make the previous list
    // current again): one marker row that no span can match.
    const rows = (prices.length ? prices : [EMPTY_MARKER]).map((p) => ({
      project_id: project,
      revision,
      provider: p.provider,
      model: p.model,
      effective_from: p.effectiveFrom,
      input_per_million: p.inputPerMillion,
      output_per_million: p.outputPerMillion,
      cache_read_per_million: p.cacheReadPerMillion,
      gpu_hour_usd: p.gpuHourUsd ?? 0,
      source,
    }));
    await engine.client.insert({ table, values: rows, format: 'JSONEachRow' });
    return {
      revision,
      prices: sortPrices([...prices]),
      scope: project === '' ? 'instance' : 'project',
    };
  }

  return {
    /** Writes the defaults (and the file) when needed; once per process. */
    ensure(): Promise<void> {
      ready ??= (async () => {
        const now = await current('');
        if (file !== undefined) {
          const wanted = mergePrices(DEFAULT_PRICES, file);
          if (!samePrices(visible(now.prices), wanted))
            await write('', wanted, 'file', now.revision);
        } else if (now.revision === 0) {
          await write('', DEFAULT_PRICES, 'default', 0);
        }
      })().catch((err: unknown) => {
        ready = undefined; // retried by the next request
        throw err;
      });
      return ready;
    },
    /** The list in force for `project`: its own, or the instance's. */
    async get(project: string): Promise<PriceList> {
      await this.ensure();
      const list = await current(project);
      return { ...list, prices: visible(list.prices) };
    },
    /** Replaces `project`'s whole list (from then on it no longer follows the instance's). */
    async replace(project: string, prices: readonly Price[]): Promise<PriceList> {
      await this.ensure();
      return write(project, prices, 'api', (await current(project)).revision);
    },
  };
}

/** Row that stands for an empty list: a provider no span can carry. */
const EMPTY_MARKER: Price = {
  provider: '\u0000',
  model: '\u0000',
  effectiveFrom: '1970-01-01',
  inputPerMillion: 0,
  outputPerMillion: 0,
  cacheReadPerMillion: 0,
};

function visible(prices: Price[]): Price[] {
  return prices.filter((p) => p.provider !== EMPTY_MARKER.provider);
}

/** The prices repository. */
export type PricesRepo = ReturnType<typeof createPricesRepo>;
