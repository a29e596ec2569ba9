/**
 * The shape of OTLP trace and log export requests on the wire, as much as the fuzzer needs:
 * for each message, what each field number holds. A value naming another entry is a nested
 * message; the rest are leaf kinds. `id` marks trace and span ids (bytes of a fixed length),
 * so mutations can aim at what a decoder must check rather than at random bytes.
 */
export const OTLP_PROTO_SCHEMA: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  TracesRequest: { 1: 'ResourceSpans' },
  ResourceSpans: { 1: 'Resource', 2: 'ScopeSpans', 3: 'string' },
  ScopeSpans: { 1: 'Scope', 2: 'Span', 3: 'string' },
  Span: {
    1: 'id',
    2: 'id',
    3: 'string',
    4: 'id',
    5: 'string',
    6: 'enum',
    7: 'fixed64',
    8: 'fixed64',
    9: 'KeyValue',
    10: 'varint',
    11: 'Event',
    12: 'varint',
    13: 'Link',
    14: 'varint',
    15: 'Status',
    16: 'fixed32',
  },
  Event: { 1: 'fixed64', 2: 'string', 3: 'KeyValue', 4: 'varint' },
  Link: { 1: 'id', 2: 'id', 3: 'string', 4: 'KeyValue', 5: 'varint', 6: 'fixed32' },
  Status: { 2: 'string', 3: 'enum' },
  LogsRequest: { 1: 'ResourceLogs' },
  ResourceLogs: { 1: 'Resource', 2: 'ScopeLogs', 3: 'string' },
  ScopeLogs: { 1: 'Scope', 2: 'LogRecord', 3: 'string' },
  LogRecord: {
    1: 'fixed64',
    2: 'enum',
    3: 'string',
    5: 'AnyValue',
    6: 'KeyValue',
    7: 'varint',
    8: 'fixed32',
    9: 'id',
    10: 'id',
    11: 'fixed64',
    12: 'string',
  },
  Resource: { 1: 'KeyValue', 2: 'varint' },
  Scope: { 1: 'string', 2: 'string', 3: 'KeyValue', 4: 'varint' },
  KeyValue: { 1: 'string', 2: 'AnyValue' },
  AnyValue: { 1: 'string', 2: 'varint', 3: 'varint', 4: 'double', 5: 'ArrayValue', 6: 'KeyValueList', 7: 'bytes' },
  ArrayValue: { 1: 'AnyValue' },
  KeyValueList: { 1: 'KeyValue' },
};

/** Whether `type` (a schema value) names a message rather than a leaf kind. */
export function isMessageType(type: string | undefined): type is string {
  return type !== undefined && Object.hasOwn(OTLP_PROTO_SCHEMA, type);
}
