/** Building blocks of the OpenAPI document. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
export const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
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
