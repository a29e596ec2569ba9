import { builtInPrices, Pricer, type PriceTable } from '@sightline/core';
import { loadPriceFile } from './price-file.js';

/** The prices in force: the built-in table and, when configured, a user's override file. */
export class Pricing {
  private constructor(
    readonly file: string | null,
    private overrides: PriceTable | null,
    public pricer: Pricer,
  ) {}

  static async load(file: string | null): Promise<Pricing> {
    const overrides = file === null ? null : await loadPriceFile(file);
    return new Pricing(file, overrides, new Pricer(builtInPrices(), overrides));
  }

  /** Reads the override file again (when there is one); keeps the old prices if it fails. */
  async reload(): Promise<void> {
    if (this.file === null) return;
    this.overrides = await loadPriceFile(this.file);
    this.pricer = new Pricer(builtInPrices(), this.overrides);
  }

  describe(): {
    builtin: { models: number; as_of: string | null; source: string | null };
    overrides: { file: string; models: number } | null;
  } {
    const table = builtInPrices();
    return {
      builtin: { models: table.modelCount, as_of: table.asOf, source: table.source },
      overrides: this.file === null ? null : { file: this.file, models: this.overrides?.modelCount ?? 0 },
    };
  }
}
