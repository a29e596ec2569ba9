import { describe, expect, it } from 'vitest';
import { GeminiStreamState, geminiEmbedResult, geminiInputMessages, geminiModel, geminiResult, geminiSystem } from './gemini-map.js';

/** The pure mapping from `@google/genai` shapes to GenAI attributes, for the cases the mock server does not send. */
describe('Gemini mapping', () => {
  it('reads every contents shape the client accepts, tool responses as the tool role', () => {
    const user = [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }];
    expect(geminiInputMessages('hi')).toEqual(user);
    expect(geminiInputMessages({ text: 'hi' })).toEqual(user);
    expect(geminiInputMessages(['hi'])).toEqual(user);
    expect(geminiInputMessages({ role: 'user', parts: [{ text: 'hi' }] })).toEqual(user);
    // A part with a role is still a part (the client needs a `parts` array to see a Content).
    expect(geminiInputMessages({ text: 'hi', role: 'user' })).toEqual(user);
    expect(geminiInputMessages([{ role: 'user', parts: [{ functionResponse: { name: 'f', response: { ok: 1 } } }] }])).toEqual([
      { role: 'tool', parts: [{ type: 'tool_call_response', name: 'f', response: { ok: 1 } }] },
    ]);
    expect(geminiInputMessages([{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }, { thoughtSignature: 'x', text: 'see' }])).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'blob', mime_type: 'image/png', modality: 'image' },
          { type: 'text', content: 'see' },
        ],
      },
    ]);
    expect(geminiSystem({ systemInstruction: { parts: [{ text: 'Be brief.' }] } })).toEqual([{ type: 'text', content: 'Be brief.' }]);
  });

  it('names models without their resource prefix', () => {
    expect(geminiModel('models/gemini-2.5-flash')).toBe('gemini-2.5-flash');
    expect(geminiModel('publishers/google/models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(geminiModel('gemini-2.5-flash')).toBe('gemini-2.5-flash');
  });

  it('maps finish reasons to the GenAI ones, a blocked prompt to content_filter', () => {
    const reason = (finishReason: string, parts: unknown[] = [{ text: 'x' }]) =>
      geminiResult({ candidates: [{ content: { role: 'model', parts }, finishReason }] }).finishReasons;
    expect(reason('STOP')).toEqual(['stop']);
    expect(reason('STOP', [{ functionCall: { name: 'f', args: {} } }])).toEqual(['tool_call']);
    expect(reason('MAX_TOKENS')).toEqual(['length']);
    expect(reason('SAFETY')).toEqual(['content_filter']);
    expect(reason('MALFORMED_FUNCTION_CALL')).toEqual(['error']);
    expect(reason('LANGUAGE')).toEqual(['language']);
    const blocked = geminiResult({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 7 } });
    expect(blocked).toMatchObject({ finishReasons: ['content_filter'], inputTokens: 7, outputMessages: [] });
  });

  it('joins streamed text and thoughts apart, keeping the last usage', () => {
    const state = new GeminiStreamState();
    expect(state.add({ candidates: [{ content: { role: 'model', parts: [{ text: 'Let me ', thought: true }] } }] })).toBe(true);
    state.add({ candidates: [{ content: { role: 'model', parts: [{ text: 'think.', thought: true }] } }] });
    state.add({ candidates: [{ content: { role: 'model', parts: [{ text: 'Paris' }] } }] });
    expect(state.add({ usageMetadata: { promptTokenCount: 3 } })).toBe(false);
    state.add({
      candidates: [{ content: { role: 'model', parts: [{ text: '.' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, thoughtsTokenCount: 4 },
    });
    expect(state.result()).toMatchObject({
      inputTokens: 3,
      outputTokens: 6,
      reasoningTokens: 4,
      finishReasons: ['stop'],
      outputMessages: [
        {
          role: 'assistant',
          parts: [
            { type: 'reasoning', content: 'Let me think.' },
            { type: 'text', content: 'Paris.' },
          ],
          finish_reason: 'stop',
        },
      ],
    });
  });

  it('counts embedding tokens from usage, else from Vertex AI’s per-embedding statistics', () => {
    expect(geminiEmbedResult({ embeddings: [{ values: [1] }], usageMetadata: { promptTokenCount: 5 } }).inputTokens).toBe(5);
    expect(geminiEmbedResult({ embeddings: [{ statistics: { tokenCount: 2 } }, { statistics: { tokenCount: 3 } }] }).inputTokens).toBe(5);
    expect(geminiEmbedResult({ embeddings: [{ values: [1] }] }).inputTokens).toBeNull();
  });
});
