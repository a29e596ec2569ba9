/** Sightline's version, reported by `/healthz` and `sightline --version`. */
export const VERSION = '0.1.0';
