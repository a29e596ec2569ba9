import type { PriceTableFile } from './price-entry.js';
import { PriceTable } from './price-table.js';
import prices from './prices.json' with { type: 'json' };

let builtIn: PriceTable | null = null;

/**
 * Sightline's built-in price table (see scripts/build-prices.mjs for where it comes from).
 * Loaded once.
 */
export function builtInPrices(): PriceTable {
  builtIn ??= new PriceTable(prices as unknown as PriceTableFile);
  return builtIn;
}
