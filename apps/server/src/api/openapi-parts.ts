/** Building blocks of the OpenAPI document. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
export const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
/** A required JSON request body. */
export const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const query = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
export const time = { type: 'string', format: 'date-time', description: 'ISO-8601, nanosecond precision' };
export const attributes = {
  type: 'object',
  additionalProperties: true,
  description: 'Attribute values as JSON: ints beyond ±2^53 as decimal strings, bytes as base64',
};
export const hexId = (chars: number) => ({ type: 'string', pattern: `^[0-9a-f]{${chars}}$` });

/** A page of `item`s: `{data: [...], next_cursor}`. */
export const page = (item: string) =>
  json({
    type: 'object',
    required: ['data', 'next_cursor'],
    properties: { data: { type: 'array', items: ref(item) }, next_cursor: { type: ['string', 'null'] } },
  });

/** `limit` and `cursor`, as every paged list takes them. */
export const pageParams = [
  query('limit', 'Page size', { type: 'integer', minimum: 1, maximum: 1000, default: 50 }),
  query('cursor', 'next_cursor of the previous page'),
];

const binary = { type: 'string', format: 'binary' };

/** An OTLP/HTTP export route (traces or logs): protobuf or JSON in, the export response in the same encoding out. */
export const otlpExport = (o: { summary: string; operationId: string; description: string; accepted: string; response: string }) => ({
  post: {
    summary: o.summary,
    operationId: o.operationId,
    description: o.description,
    requestBody: {
      required: true,
      content: { 'application/x-protobuf': { schema: binary }, 'application/json': { schema: { type: 'object' } } },
    },
    responses: {
      '200': {
        description: o.accepted,
        content: { 'application/x-protobuf': { schema: binary }, 'application/json': { schema: ref(o.response) } },
      },
      '400': { description: 'Undecodable body' },
      '413': { description: 'Body larger than 20 MiB' },
      '415': { description: 'Unsupported Content-Type or Content-Encoding' },
      '503': { description: 'The store is behind or shutting down; retry after Retry-After seconds' },
    },
  },
});
