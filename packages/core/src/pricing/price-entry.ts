/**
 * One price in Sightline's price table: USD per 1,000,000 tokens of each class, for a model as
 * one platform sells it, from a date on. A null class price falls back to the plain input
 * price (cached, cache write) or the output price (reasoning).
 */
export interface PriceEntry {
  /** The model id as the platform publishes it, lower case. */
  readonly model: string;
  /** The platform selling it (`openai`, `anthropic`, `aws.bedrock`, `azure`, …), or null. */
  readonly platform: string | null;
  readonly mode: 'chat' | 'embeddings';
  /** The day (YYYY-MM-DD, UTC) this price starts to apply; null: since always. */
  readonly from: string | null;
  readonly input: number;
  readonly cached_input?: number | null;
  readonly cache_write?: number | null;
  readonly output: number;
  readonly reasoning?: number | null;
  /** Long-context prices, applying to a whole call whose input exceeds `above` tokens. */
  readonly tiers?: readonly PriceTier[];
}

export interface PriceTier {
  readonly above: number;
  readonly input: number;
  readonly cached_input?: number | null;
  readonly cache_write?: number | null;
  readonly output: number;
}

/** The table file's shape. */
export interface PriceTableFile {
  readonly source?: string;
  readonly as_of?: string;
  readonly entries: readonly PriceEntry[];
}
