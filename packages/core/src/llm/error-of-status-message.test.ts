import { describe, expect, it } from 'vitest';
import { errorOfStatusMessage } from './error-of-status-message.js';

describe('errorOfStatusMessage', () => {
  it('names an SDK HTTP error by the class the openai SDK raises, not by its whole body', () => {
    const message =
      "Error code: 429 - {'error': {'message': 'Rate limit reached for requests', 'type': 'requests', 'param': None, 'code': 'rate_limit_exceeded'}}";
    expect(errorOfStatusMessage(message)).toMatchObject({ type: 'RateLimitError', statusCode: 429, kind: 'http status' });
    expect(errorOfStatusMessage('Error code: 503 - upstream down')).toMatchObject({ type: 'InternalServerError', statusCode: 503 });
    expect(errorOfStatusMessage('Error code: 418')).toMatchObject({ type: 'APIStatusError', statusCode: 418 });
  });

  it('keeps an identifier-like message as the type', () => {
    expect(errorOfStatusMessage('overloaded_error')).toMatchObject({ type: 'overloaded_error', statusCode: null, kind: 'name' });
  });

  it('cuts any other message to a short first line', () => {
    expect(errorOfStatusMessage('division by zero')).toMatchObject({ type: 'division by zero', kind: 'text' });
    const long = `${'x '.repeat(100)}\nsecond line`;
    const type = errorOfStatusMessage(long)?.type as string;
    expect(type.length).toBe(60);
    expect(type.endsWith('…')).toBe(true);
    expect(errorOfStatusMessage('  ')).toBeNull();
  });
});
