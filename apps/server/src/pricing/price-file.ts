import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { PriceFileError, PriceTable, parsePriceOverrides } from '@sightline/core';
import { parse as parseYaml } from 'yaml';

/**
 * Reads a price override file: JSON (`.json`) or YAML (anything else), in any shape
 * `parsePriceOverrides` accepts. Errors name the file and what is wrong.
 */
export async function loadPriceFile(path: string): Promise<PriceTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PriceFileError(`cannot read the price file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new PriceFileError(
      `the price file ${path} is not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  try {
    return new PriceTable(parsePriceOverrides(value));
  } catch (err) {
    if (err instanceof PriceFileError) throw new PriceFileError(`the price file ${path}: ${err.message}`);
    throw err;
  }
}
