import { Hono } from 'hono';
import type { PricesResponse } from '../api/types.js';
import { BadRequestError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { projectOf } from '../middleware/project-scope.js';
import { normalizePrices, type Price, PriceListSchema } from './prices.js';
import type { PricesRepo } from './prices-repo.js';

/**
 * `GET /api/v1/prices` (the list in force for the project: its own, else the instance's) and
 * `PUT /api/v1/prices` (replace the project's list; body `{"prices": [...]}`, answered with
 * the stored list).
 */
export function priceRoutes(repo: PricesRepo) {
  const app = new Hono<AppEnv>();

  app.get('/', async function getPrices(c) {
    const list = await repo.get(projectOf(c));
    const body: PricesResponse = list;
    return c.json(body);
  });

  app.put('/', async function putPrices(c) {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new BadRequestError('body must be JSON: {"prices": [...]}');
    }
    const parsed = PriceListSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BadRequestError(issue.message, issue.path.join('.') || undefined);
    }
    let prices: Price[];
    try {
      prices = normalizePrices(parsed.data);
    } catch (err) {
      throw new BadRequestError((err as Error).message, 'prices');
    }
    const list = await repo.replace(projectOf(c), prices);
    const body: PricesResponse = list;
    return c.json(body);
  });

  return app;
}
