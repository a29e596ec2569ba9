import { type AnyValue, newAttributes } from '../model/any-value.js';
import type { MetricDistribution, MetricKind } from '../model/metric-point.js';
import type { InstrumentationScope, Resource } from '../model/span.js';
import { attributesOrEmpty, readKeyValue } from './decode-any-value-proto.js';
import { exportRequestSteps, range, readExportRequest } from './decode-common-proto.js';
import type { DecodedMetrics, DecodedMetricsBuilder } from './decoded-metrics.js';
import { addMetricPoint, type MetricHeader, type RawPoint } from './metric-validation.js';
import { ProtoReader } from './proto-reader.js';

/**
 * Decodes an OTLP `ExportMetricsServiceRequest` (protobuf) into canonical data points, one per
 * point of every metric. Malformed protobuf raises `DecodeError`; points that break OTLP's rules
 * are counted in `rejectedPoints` and left out. Exemplars and metadata are not kept.
 */
export function decodeMetricsProto(body: Uint8Array): DecodedMetrics {
  const out: DecodedMetricsBuilder = { points: [], rejectedPoints: 0, rejections: [] };
  readExportRequest(new ProtoReader(body), NAMES, (r, end, resource, scope, resourceIndex, indexInScope) =>
    readMetric(r, end, resource, scope, out, `resource_metrics[${resourceIndex}] metric ${indexInScope}`),
  );
  return out;
}

/**
 * {@link decodeMetricsProto} in steps of about `pointsPerStep` data points (a step ends after
 * the metric that reaches them), awaiting `pause()` between them. The result is the same.
 */
export async function decodeMetricsProtoInSteps(
  body: Uint8Array,
  pointsPerStep: number,
  pause: () => Promise<void>,
): Promise<DecodedMetrics> {
  const out: DecodedMetricsBuilder = { points: [], rejectedPoints: 0, rejections: [] };
  const steps = exportRequestSteps(
    new ProtoReader(body),
    NAMES,
    (r, end, resource, scope, resourceIndex, indexInScope) =>
      readMetric(r, end, resource, scope, out, `resource_metrics[${resourceIndex}] metric ${indexInScope}`),
    pointsPerStep,
    () => out.points.length + out.rejectedPoints,
  );
  while (!steps.next().done) await pause();
  return out;
}

const NAMES = { resource: 'resource_metrics', scope: 'scope_metrics' };

/** Metric's data fields: gauge 5, sum 7, histogram 9, exponential_histogram 10, summary 11. */
const KIND_OF_TAG: Readonly<Record<number, MetricKind>> = {
  42: 'gauge',
  58: 'sum',
  74: 'histogram',
  82: 'exponential_histogram',
  90: 'summary',
};

function readMetric(
  r: ProtoReader,
  end: number,
  resource: Resource,
  scope: InstrumentationScope,
  out: DecodedMetricsBuilder,
  where: string,
): void {
  // The name, description and unit may follow the data: read them first.
  let name = '';
  let description = '';
  let unit = '';
  let kind: MetricKind | null = null;
  let data: [number, number] | null = null;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) name = r.string(end);
    else if (tag === 0x12) description = r.string(end);
    else if (tag === 0x1a) unit = r.string(end);
    else if (KIND_OF_TAG[tag] !== undefined) {
      kind = KIND_OF_TAG[tag] as MetricKind;
      data = range(r, end);
    } else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'metric');
  if (kind === null || data === null) return;
  const after = r.pos;
  // Gauge, Sum, Histogram, ExponentialHistogram and Summary: points (1), temporality (2), monotonic (3).
  const points: [number, number][] = [];
  let temporality = 0;
  let monotonic = false;
  r.pos = data[0];
  while (r.pos < data[1]) {
    const tag = r.uint32();
    if (tag === 0x0a) points.push(range(r, data[1]));
    else if (tag === 0x10) temporality = r.uint32() | 0;
    else if (tag === 0x18) monotonic = r.bool();
    else r.skip(tag & 7, data[1]);
  }
  r.expectEnd(data[1], kind);
  const header: MetricHeader = { name, description, unit, kind, temporality, monotonic };
  for (let i = 0; i < points.length; i++) {
    const [start, pointEnd] = points[i] as [number, number];
    r.pos = start;
    const raw = kind === 'gauge' || kind === 'sum' ? readNumberPoint(r, pointEnd) : readDistributionPoint(r, pointEnd, kind);
    addMetricPoint(out, `${where} point ${i}`, header, raw, resource, scope);
  }
  r.pos = after;
}

interface PointFields {
  start: bigint;
  time: bigint;
  attributes: Record<string, AnyValue> | null;
  flags: number;
}

function newFields(): PointFields {
  return { start: 0n, time: 0n, attributes: null, flags: 0 };
}

function raw(f: PointFields, rest: Partial<RawPoint>): RawPoint {
  return {
    start: f.start,
    time: f.time,
    attributes: attributesOrEmpty(f.attributes),
    flags: f.flags,
    value: null,
    count: null,
    sum: null,
    min: null,
    max: null,
    distribution: null,
    ...rest,
  };
}

/** NumberDataPoint: attributes 7, start 2, time 3, as_double 4, as_int 6, flags 8. */
function readNumberPoint(r: ProtoReader, end: number): RawPoint {
  const f = newFields();
  let value: number | null = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x11:
        f.start = r.fixed64();
        break;
      case 0x19:
        f.time = r.fixed64();
        break;
      case 0x21:
        value = r.double();
        break;
      case 0x31:
        value = Number(BigInt.asIntN(64, r.fixed64()));
        break;
      case 0x3a:
        readKeyValue(r, r.lengthEnd(end), (f.attributes ??= newAttributes()), 0);
        break;
      case 0x40:
        f.flags = r.uint32();
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  r.expectEnd(end, 'data point');
  return raw(f, { value });
}

/**
 * HistogramDataPoint, ExponentialHistogramDataPoint and SummaryDataPoint share start 2, time 3,
 * count 4 and sum 5; the rest differs by kind.
 */
function readDistributionPoint(r: ProtoReader, end: number, kind: MetricKind): RawPoint {
  const f = newFields();
  let count = 0;
  let sum: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  const counts: number[] = [];
  const bounds: number[] = [];
  const quantiles: { quantile: number; value: number }[] = [];
  let scale = 0;
  let zeroCount = 0;
  let positive = { offset: 0, counts: [] as number[] };
  let negative = { offset: 0, counts: [] as number[] };
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 2 && wire === 1) f.start = r.fixed64();
    else if (field === 3 && wire === 1) f.time = r.fixed64();
    else if (field === 4 && wire === 1) count = Number(r.fixed64());
    else if (field === 5 && wire === 1) sum = r.double();
    else if (kind === 'histogram') {
      if (field === 9 && wire === 2) readKeyValue(r, r.lengthEnd(end), (f.attributes ??= newAttributes()), 0);
      else if (field === 6) readRepeated(r, end, wire, 1, () => counts.push(Number(r.fixed64())));
      else if (field === 7) readRepeated(r, end, wire, 1, () => bounds.push(r.double()));
      else if (field === 10 && wire === 0) f.flags = r.uint32();
      else if (field === 11 && wire === 1) min = r.double();
      else if (field === 12 && wire === 1) max = r.double();
      else r.skip(wire, end);
    } else if (kind === 'exponential_histogram') {
      if (field === 1 && wire === 2) readKeyValue(r, r.lengthEnd(end), (f.attributes ??= newAttributes()), 0);
      else if (field === 6 && wire === 0) scale = zigzag(r.uint32());
      else if (field === 7 && wire === 1) zeroCount = Number(r.fixed64());
      else if (field === 8 && wire === 2) positive = readBuckets(r, r.lengthEnd(end));
      else if (field === 9 && wire === 2) negative = readBuckets(r, r.lengthEnd(end));
      else if (field === 10 && wire === 0) f.flags = r.uint32();
      else if (field === 12 && wire === 1) min = r.double();
      else if (field === 13 && wire === 1) max = r.double();
      else r.skip(wire, end);
    } else {
      if (field === 7 && wire === 2) readKeyValue(r, r.lengthEnd(end), (f.attributes ??= newAttributes()), 0);
      else if (field === 6 && wire === 2) quantiles.push(readQuantile(r, r.lengthEnd(end)));
      else if (field === 8 && wire === 0) f.flags = r.uint32();
      else r.skip(wire, end);
    }
  }
  r.expectEnd(end, 'data point');
  const distribution: MetricDistribution | null =
    kind === 'histogram'
      ? counts.length === 0 && bounds.length === 0
        ? null
        : { type: 'explicit', bounds, counts }
      : kind === 'exponential_histogram'
        ? { type: 'exponential', scale, zeroCount, positive, negative }
        : quantiles.length === 0
          ? null
          : { type: 'quantiles', quantiles };
  return raw(f, { count, sum, min, max, distribution });
}

/** A repeated scalar field, packed (one length-delimited run) or not (one value per tag). */
function readRepeated(r: ProtoReader, end: number, wire: number, scalarWire: number, readOne: () => void): void {
  if (wire === scalarWire) {
    readOne();
    return;
  }
  if (wire !== 2) {
    r.skip(wire, end);
    return;
  }
  const runEnd = r.lengthEnd(end);
  while (r.pos < runEnd) readOne();
  r.expectEnd(runEnd, 'packed field');
}

/** ExponentialHistogramDataPoint.Buckets: offset 1 (sint32), bucket_counts 2 (packed uint64). */
function readBuckets(r: ProtoReader, end: number): { offset: number; counts: number[] } {
  let offset = 0;
  const counts: number[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x08) offset = zigzag(r.uint32());
    else if (tag >>> 3 === 2) readRepeated(r, end, tag & 7, 0, () => counts.push(Number(r.int64())));
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'buckets');
  return { offset, counts };
}

/** SummaryDataPoint.ValueAtQuantile: quantile 1, value 2 (doubles). */
function readQuantile(r: ProtoReader, end: number): { quantile: number; value: number } {
  let quantile = 0;
  let value = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x09) quantile = r.double();
    else if (tag === 0x11) value = r.double();
    else r.skip(tag & 7, end);
  }
  r.expectEnd(end, 'quantile value');
  return { quantile, value };
}

function zigzag(n: number): number {
  return (n >>> 1) ^ -(n & 1);
}
