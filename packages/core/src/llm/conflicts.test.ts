import { describe, expect, it } from 'vitest';
import { readCall } from '../../../../testing/read-call.js';
import { recordSpan } from '../../../../testing/sdk-spans.js';
import { detectVocabulary } from './registry.js';

/** The conflicts section of the vocabulary reference, case by case. */
describe('vocabulary conflicts', () => {
  it('detects vocabularies in precedence order', async () => {
    const name = async (attrs: Record<string, string>, scope?: string) =>
      detectVocabulary(await recordSpan('s', attrs, { scope }))?.name ?? null;
    expect(await name({ 'langfuse.observation.type': 'generation', 'openinference.span.kind': 'LLM' })).toBe('langfuse');
    expect(await name({ 'openinference.span.kind': 'LLM', 'gen_ai.operation.name': 'chat' })).toBe('openinference');
    expect(await name({ 'ai.operationId': 'ai.generateText', 'gen_ai.system': 'openai.chat' })).toBe('vercel-ai');
    expect(await name({ 'gen_ai.operation.name': 'chat' }, 'ai')).toBe('vercel-ai');
    expect(await name({ 'llm.request.type': 'chat', 'gen_ai.system': 'openai' })).toBe('openllmetry');
    expect(await name({ 'gen_ai.operation.name': 'chat' }, 'opentelemetry.instrumentation.openai.v1')).toBe('openllmetry');
    expect(await name({ 'gen_ai.operation.name': 'chat' }, 'opentelemetry.instrumentation.openai_v2')).toBe('otel-genai');
    expect(await name({ 'llm.usage.prompt_tokens': '1', 'plano.route.name': 'r', 'llm.model': 'm' })).toBe('plano');
    expect(await name({ 'llm.operation': 'chat', 'llm.model': 'm' })).toBe('racto');
    expect(await name({ 'gen_ai.operation.name': 'chat' })).toBe('otel-genai');
    expect(await name({ 'http.route': '/x' })).toBeNull();
  });

  it('llm.provider is the host in OpenInference but the provider in gateways', async () => {
    const oi = readCall(
      await recordSpan('s', {
        'openinference.span.kind': 'LLM',
        'llm.system': 'anthropic',
        'llm.provider': 'aws',
        'llm.model_name': 'claude',
      }),
    );
    expect(oi).toMatchObject({ provider: 'anthropic', hostProvider: 'aws.bedrock' });
    const racto = readCall(await recordSpan('s', { 'llm.operation': 'chat', 'llm.provider': 'mistral', 'llm.model': 'mistral-large' }));
    expect(racto).toMatchObject({ provider: 'mistral_ai', hostProvider: null });
  });

  it('llm.model is the served model in Plano and the only model in Racto', async () => {
    const planoCall = readCall(await recordSpan('s', { 'plano.route.name': 'r', 'llm.model': 'served', 'model.requested': 'asked' }));
    expect(planoCall).toMatchObject({ requestModel: 'asked', model: 'served' });
    const ractoCall = readCall(await recordSpan('s', { 'llm.operation': 'chat', 'llm.model': 'only' }));
    expect(ractoCall).toMatchObject({ requestModel: 'only', model: 'only' });
  });

  it('llm.usage.* is attributed to Plano by plano.* keys, to OpenLLMetry otherwise', async () => {
    const withPlano = readCall(await recordSpan('s', { 'llm.usage.prompt_tokens': 5, 'plano.route.name': 'r', 'llm.model': 'm' }));
    expect(withPlano?.vocabulary).toBe('plano');
    const legacy = readCall(await recordSpan('s', { 'llm.usage.prompt_tokens': 5, 'llm.request.type': 'chat', 'llm.request.model': 'm' }));
    expect(legacy).toMatchObject({ vocabulary: 'openllmetry', inputTokens: 5 });
  });

  it('Racto llm.cache_hit is a gateway cache outcome, never cached tokens', async () => {
    const call = readCall(await recordSpan('s', { 'llm.operation': 'chat', 'llm.model': 'm', 'llm.cache_hit': true }));
    expect(call).toMatchObject({ gatewayCache: 'hit', cacheReadTokens: null });
  });

  it('Vercel provider ids lose their API suffix; dotted OTel provider names do not', async () => {
    expect(
      readCall(
        await recordSpan('s', {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.provider': 'mistral.chat',
          'ai.model.id': 'mistral-small',
        }),
      ),
    ).toMatchObject({
      provider: 'mistral_ai',
    });
    expect(
      readCall(
        await recordSpan('s', {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'gcp.vertex_ai',
          'gen_ai.request.model': 'gemini-2.5-pro',
        }),
      ),
    ).toMatchObject({
      provider: 'gcp.gemini',
      hostProvider: 'gcp.vertex_ai',
    });
  });

  it('finish reasons become one list in one spelling', async () => {
    const oi = readCall(await recordSpan('s', { 'openinference.span.kind': 'LLM', 'llm.finish_reason': 'tool_calls' }));
    const vercel = readCall(
      await recordSpan('s', { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.response.finishReason': 'content-filter' }),
    );
    const singular = readCall(await recordSpan('s', { 'llm.request.type': 'chat', 'gen_ai.response.finish_reason': 'length' }));
    expect([oi?.finishReasons, vercel?.finishReasons, singular?.finishReasons]).toEqual([['tool_calls'], ['content_filter'], ['length']]);
  });

  it('operation values: embedding, embeddings and embed mean the same; completion is text_completion', async () => {
    const a = readCall(await recordSpan('s', { 'llm.request.type': 'embedding', 'gen_ai.request.model': 'e' }));
    const b = readCall(await recordSpan('s', { 'gen_ai.operation.name': 'embeddings' }));
    const c = readCall(await recordSpan('s', { 'llm.operation': 'embed', 'llm.model': 'e' }));
    const d = readCall(await recordSpan('s', { 'llm.request.type': 'completion', 'gen_ai.request.model': 'm' }));
    expect([a?.operation, b?.operation, c?.operation, d?.operation]).toEqual(['embeddings', 'embeddings', 'embeddings', 'text_completion']);
  });

  it('error type: error.type first, then the exception event', async () => {
    const both = readCall(
      await recordSpan(
        's',
        { 'gen_ai.operation.name': 'chat', 'error.type': '_OTHER' },
        { error: 'x', events: [['exception', { 'exception.type': 'ValueError' }]] },
      ),
    );
    expect(both?.errorType).toBe('_OTHER');
    const event = readCall(
      await recordSpan(
        's',
        { 'gen_ai.operation.name': 'chat' },
        { error: 'x', events: [['exception', { 'exception.type': 'ValueError' }]] },
      ),
    );
    expect(event?.errorType).toBe('ValueError');
  });

  it('session and user: the same keys in OpenInference and Langfuse, conversation id in OTel', async () => {
    expect(readCall(await recordSpan('s', { 'gen_ai.operation.name': 'chat', 'gen_ai.conversation.id': 'c1' }))?.sessionId).toBe('c1');
    expect(
      readCall(await recordSpan('s', { 'langfuse.observation.type': 'generation', 'langfuse.session.id': 'l1', 'langfuse.user.id': 'lu' })),
    ).toMatchObject({
      sessionId: 'l1',
      userId: 'lu',
    });
  });

  it('a vocabulary falls back to gen_ai.* keys for what it lacks, saying so', async () => {
    const call = readCall(
      await recordSpan('s', {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o',
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 2,
      }),
    );
    expect(call).toMatchObject({ vocabulary: 'openinference', inputTokens: 10 });
    expect(call?.provenance.inputTokens).toEqual({ vocabulary: 'otel-genai', rule: 'gen_ai.usage.input_tokens' });
  });
});
