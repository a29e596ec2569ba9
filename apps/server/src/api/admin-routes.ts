import { PriceFileError } from '@sightline/core';
import type { Storage } from '@sightline/storage';
import { KeyAdmin } from '../auth/key-admin.js';
import type { RequestScopes } from '../auth/request-scope.js';
import { badRequest, HttpError } from '../http/http-error.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { Logger } from '../log.js';
import type { Pricing } from '../pricing/pricing.js';
import { QueryParams } from './query-params.js';

/**
 * `POST /api/admin/recompute-costs`: reads the price override file again (if one is
 * configured) and reprices every stored call with the prices now in force.
 */
export function addAdminRoutes(router: Router, storage: Storage, pricing: Pricing, logger: Logger, scopes: RequestScopes): void {
  let running: Promise<unknown> | null = null;
  router.add(
    'POST',
    '/api/admin/recompute-costs',
    async ({ req, res, url }) => {
      new QueryParams(url.searchParams).check();
      req.resume();
      const repricer = storage.repricer;
      if (!repricer) throw new HttpError(501, 'unavailable', `this store (${storage.kind}) cannot reprice stored calls`);
      if (running) throw new HttpError(409, 'conflict', 'costs are already being recomputed; try again when that finishes');
      const started = performance.now();
      const work = (async () => {
        try {
          await pricing.reload();
        } catch (err) {
          if (err instanceof PriceFileError) throw badRequest(`${err.message} (the prices in force are unchanged)`);
          throw err;
        }
        return repricer.repriceCalls((call) => pricing.pricer.price(call));
      })();
      running = work;
      try {
        const result = await work;
        logger.info(`recomputed costs: ${result.changed} of ${result.calls} calls changed`);
        await KeyAdmin.forRequest(storage.access, scopes, req).audit('costs.recompute', null, null, {
          calls: result.calls,
          changed: result.changed,
        });
        sendJson(res, 200, {
          calls: result.calls,
          changed: result.changed,
          duration_ms: Math.round(performance.now() - started),
          prices: pricing.describe(),
        });
      } finally {
        running = null;
      }
    },
    'admin',
  );
}
