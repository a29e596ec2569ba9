import type { MetricDistribution, MetricKind } from '../model/metric-point.js';
import type { InstrumentationScope, Resource } from '../model/span.js';
import { jsonExportRequestSteps, readAttributes, readJsonExportRequest } from './decode-common-json.js';
import type { DecodedMetrics, DecodedMetricsBuilder } from './decoded-metrics.js';
import { asArray, asBool, asDouble, asEnum, asInt64, asObject, asString, asUint32, field, type JsonObject } from './json-fields.js';
import { addMetricPoint, type MetricHeader, type RawPoint } from './metric-validation.js';

const TEMPORALITY_NAMES = ['AGGREGATION_TEMPORALITY_UNSPECIFIED', 'AGGREGATION_TEMPORALITY_DELTA', 'AGGREGATION_TEMPORALITY_CUMULATIVE'];

/** The JSON field of each kind of metric data. */
const KINDS: readonly (readonly [MetricKind, string, string])[] = [
  ['gauge', 'gauge', 'gauge'],
  ['sum', 'sum', 'sum'],
  ['histogram', 'histogram', 'histogram'],
  ['exponential_histogram', 'exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary', 'summary'],
];

/**
 * Decodes an OTLP/JSON `ExportMetricsServiceRequest` into canonical data points. Text that is
 * not JSON, or JSON whose fields have the wrong types, raises `DecodeError` naming the path;
 * points that break OTLP's rules are counted in `rejectedPoints` and left out.
 */
export function decodeMetricsJson(text: string): DecodedMetrics {
  const out: DecodedMetricsBuilder = { points: [], rejectedPoints: 0, rejections: [] };
  readJsonExportRequest(text, NAMES, (value, path, resource, scope) => readMetric(value, path, resource, scope, out));
  return out;
}

/**
 * {@link decodeMetricsJson} in steps of about `pointsPerStep` data points, the text parsed in
 * pieces, awaiting `pause()` between them. The result is the same.
 */
export async function decodeMetricsJsonInSteps(text: string, pointsPerStep: number, pause: () => Promise<void>): Promise<DecodedMetrics> {
  const out: DecodedMetricsBuilder = { points: [], rejectedPoints: 0, rejections: [] };
  const steps = jsonExportRequestSteps(
    text,
    NAMES,
    (value, path, resource, scope) => readMetric(value, path, resource, scope, out),
    pointsPerStep,
    () => out.points.length + out.rejectedPoints,
  );
  while (!steps.next().done) await pause();
  return out;
}

const NAMES = {
  resources: ['resourceMetrics', 'resource_metrics'],
  scopes: ['scopeMetrics', 'scope_metrics'],
  items: ['metrics', 'metrics'],
} as const;

function readMetric(value: unknown, path: string, resource: Resource, scope: InstrumentationScope, out: DecodedMetricsBuilder): void {
  const m = asObject(value, path);
  if (m === null) return;
  for (const [kind, camel, snake] of KINDS) {
    const data = asObject(field(m, camel, snake), `${path}.${camel}`);
    if (data === null) continue;
    const header: MetricHeader = {
      name: asString(m.name, `${path}.name`),
      description: asString(m.description, `${path}.description`),
      unit: asString(m.unit, `${path}.unit`),
      kind,
      temporality: asEnum(
        field(data, 'aggregationTemporality', 'aggregation_temporality'),
        `${path}.${camel}.aggregationTemporality`,
        TEMPORALITY_NAMES,
      ),
      monotonic:
        data.isMonotonic === undefined && data.is_monotonic === undefined
          ? false
          : asBool(field(data, 'isMonotonic', 'is_monotonic'), `${path}.${camel}.isMonotonic`),
    };
    const points = asArray(field(data, 'dataPoints', 'data_points'), `${path}.${camel}.dataPoints`);
    for (let i = 0; i < points.length; i++) {
      const pointPath = `${path}.${camel}.dataPoints[${i}]`;
      const p = asObject(points[i], pointPath);
      if (p === null) continue;
      addMetricPoint(out, pointPath, header, readPoint(p, pointPath, kind), resource, scope);
    }
    return;
  }
}

function readPoint(p: JsonObject, path: string, kind: MetricKind): RawPoint {
  const base = {
    start: asInt64(field(p, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`),
    time: asInt64(field(p, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    attributes: readAttributes(p.attributes, `${path}.attributes`),
    flags: asUint32(p.flags, `${path}.flags`),
    value: null,
    count: null,
    sum: null,
    min: null,
    max: null,
    distribution: null,
  };
  if (kind === 'gauge' || kind === 'sum') {
    const asInt = field(p, 'asInt', 'as_int');
    const asDbl = field(p, 'asDouble', 'as_double');
    const value =
      asInt !== undefined && asInt !== null
        ? Number(asInt64(asInt, `${path}.asInt`))
        : asDbl !== undefined && asDbl !== null
          ? asDouble(asDbl, `${path}.asDouble`)
          : null;
    return { ...base, value };
  }
  const count = Number(asInt64(p.count, `${path}.count`));
  const sum = optionalDouble(p.sum, `${path}.sum`);
  const min = optionalDouble(p.min, `${path}.min`);
  const max = optionalDouble(p.max, `${path}.max`);
  return { ...base, count, sum, min, max, distribution: distributionOf(p, path, kind) };
}

function distributionOf(p: JsonObject, path: string, kind: MetricKind): MetricDistribution | null {
  if (kind === 'histogram') {
    const counts = asArray(field(p, 'bucketCounts', 'bucket_counts'), `${path}.bucketCounts`).map((c, i) =>
      Number(asInt64(c, `${path}.bucketCounts[${i}]`)),
    );
    const bounds = asArray(field(p, 'explicitBounds', 'explicit_bounds'), `${path}.explicitBounds`).map((b, i) =>
      asDouble(b, `${path}.explicitBounds[${i}]`),
    );
    return counts.length === 0 && bounds.length === 0 ? null : { type: 'explicit', bounds, counts };
  }
  if (kind === 'exponential_histogram') {
    return {
      type: 'exponential',
      scale: Number(asInt64(p.scale, `${path}.scale`)),
      zeroCount: Number(asInt64(field(p, 'zeroCount', 'zero_count'), `${path}.zeroCount`)),
      positive: bucketsOf(p.positive, `${path}.positive`),
      negative: bucketsOf(p.negative, `${path}.negative`),
    };
  }
  const quantiles = asArray(field(p, 'quantileValues', 'quantile_values'), `${path}.quantileValues`).map((q, i) => {
    const o = asObject(q, `${path}.quantileValues[${i}]`) ?? {};
    return {
      quantile: optionalDouble(o.quantile, `${path}.quantileValues[${i}].quantile`) ?? 0,
      value: optionalDouble(o.value, `${path}.quantileValues[${i}].value`) ?? 0,
    };
  });
  return quantiles.length === 0 ? null : { type: 'quantiles', quantiles };
}

function bucketsOf(value: unknown, path: string): { offset: number; counts: number[] } {
  const b = asObject(value, path);
  if (b === null) return { offset: 0, counts: [] };
  return {
    offset: Number(asInt64(b.offset, `${path}.offset`)),
    counts: asArray(field(b, 'bucketCounts', 'bucket_counts'), `${path}.bucketCounts`).map((c, i) =>
      Number(asInt64(c, `${path}.bucketCounts[${i}]`)),
    ),
  };
}

function optionalDouble(value: unknown, path: string): number | null {
  return value === undefined || value === null ? null : asDouble(value, path);
}
