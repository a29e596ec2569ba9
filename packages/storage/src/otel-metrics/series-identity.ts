import { type AnyValue, encodeTypedJson, type MetricPoint } from '@sightline/core';

/**
 * What makes a point part of one series, apart from its resource and scope: its metric's name,
 * kind, unit, temporality and monotonicity, and its attributes (in any order). The description
 * is not part of it: a reworded description does not start a new series.
 */
export function seriesIdentity(p: MetricPoint): string {
  const sorted = Object.keys(p.attributes)
    .sort()
    .map((k) => [k, encodeTypedJson(p.attributes[k] as AnyValue)]);
  return JSON.stringify([p.name, p.kind, p.unit, p.temporality, p.monotonic, sorted]);
}
