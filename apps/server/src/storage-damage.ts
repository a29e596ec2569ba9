/**
 * How the server words damage found in its store (`StorageHealth.damage`, a
 * `StorageDamagedError`'s message) wherever it reports it — the log, `/healthz`, the 500 of a
 * request that met it: what is damaged, then what to do. `sightline check` reads the file
 * while the server runs.
 */
export function damageAdvice(damage: string): string {
  return `${damage}: run \`sightline check\` to see what is damaged`;
}
