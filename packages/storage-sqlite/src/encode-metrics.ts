import { createHash } from 'node:crypto';
import type { MetricPoint } from '@sightline/core';
import { encodeAttributes, seriesIdentity } from '@sightline/storage';
import type { EncodedMetricPoint, EncodedResource, EncodedScope } from './encoded-batch.js';

/**
 * One metric point as row values. Its series' fingerprint hashes what makes the series (see
 * `seriesIdentity`) with its resource and scope, so points of one series find one row.
 */
export function encodeMetricPoint(
  p: MetricPoint,
  resource: number,
  scope: number,
  r: EncodedResource,
  s: EncodedScope,
): EncodedMetricPoint {
  const fingerprint = createHash('sha1').update(r.fingerprint).update(s.fingerprint).update(seriesIdentity(p)).digest().readBigInt64BE(0);
  return {
    fingerprint,
    name: p.name,
    description: p.description,
    unit: p.unit,
    kind: p.kind,
    temporality: p.temporality,
    monotonic: p.monotonic ? 1 : 0,
    attributes: encodeAttributes(p.attributes),
    resource,
    scope,
    time: p.timeUnixNano,
    start: p.startTimeUnixNano,
    value: p.value,
    count: p.count,
    sum: p.sum,
    min: p.min,
    max: p.max,
    distribution: p.distribution === null ? null : JSON.stringify(p.distribution),
  };
}
