import type { ExportOutcome } from './encode-response.js';
import { ProtoReader } from './proto-reader.js';

/**
 * What a server answered an OTLP/HTTP protobuf export: the `ExportTraceServiceResponse` (or
 * `ExportLogsServiceResponse`) of a 200 back into its outcome, the inverse of
 * {@link encodeExportResponseProto}. An empty body is full success. Malformed protobuf raises
 * `DecodeError`.
 */
export function decodeExportResponseProto(body: Uint8Array): ExportOutcome {
  const r = new ProtoReader(body);
  let rejected = 0;
  let message = '';
  while (r.pos < r.length) {
    const tag = r.uint32();
    if (tag !== 0x0a) {
      r.skip(tag & 7, r.length);
      continue;
    }
    const end = r.lengthEnd(r.length);
    while (r.pos < end) {
      const t = r.uint32();
      if (t === 0x08) rejected = Number(r.int64());
      else if (t === 0x12) message = r.string(end);
      else r.skip(t & 7, end);
    }
    r.expectEnd(end, 'partial_success');
  }
  return { rejected, message };
}

/** A `google.rpc.Status` (an OTLP/HTTP error body in protobuf): its code and message. */
export function decodeStatusProto(body: Uint8Array): { code: number; message: string } {
  const r = new ProtoReader(body);
  let code = 0;
  let message = '';
  while (r.pos < r.length) {
    const tag = r.uint32();
    if (tag === 0x08) code = Number(r.int64());
    else if (tag === 0x12) message = r.string(r.length);
    else r.skip(tag & 7, r.length);
  }
  return { code, message };
}
