import { describe, expect, it } from 'vitest';
import { jsonInText } from './json-text';

describe('JSON held in a text', () => {
  it('is read when the text is a JSON object or array, spaces around it allowed', () => {
    expect(jsonInText('{"status":"ok","items":[1,2]}')).toEqual({ status: 'ok', items: [1, 2] });
    expect(jsonInText('  [{"id": 1}]\n')).toEqual([{ id: 1 }]);
  });

  it('is not read from plain text, scalars, broken JSON or text too long to be worth it', () => {
    expect(jsonInText('Applied 2 edits to src/webhooks/periods.ts')).toBeUndefined();
    expect(jsonInText('42')).toBeUndefined();
    expect(jsonInText('"a string"')).toBeUndefined();
    expect(jsonInText('{"open": ')).toBeUndefined();
    expect(jsonInText('{not json}')).toBeUndefined();
    expect(jsonInText(`[${'1,'.repeat(200_000)}1]`)).toBeUndefined();
  });
});
