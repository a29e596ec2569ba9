import { type ChatMessage, MODELS, planCall } from './model-calls.js';
import { genAiCall, type RecordContext } from './record-genai.js';
import { httpServer } from './record-infra.js';
import { oiChain, oiEmbedding, oiLlm, oiRetriever } from './record-openinference.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCOPES, SERVICES } from './services.js';

/**
 * An internal handbook Q&A service (Python, LangChain, OpenInference): a `RunnableSequence`
 * retrieves handbook passages, fills a prompt and streams the answer from ChatOpenAI,
 * ChatAnthropic or ChatBedrock. Some deployments also run the OpenTelemetry OpenAI
 * instrumentation, so the same call is recorded twice — Sightline counts it once.
 */

interface Question {
  readonly question: string;
  readonly passages: readonly { source: string; text: string }[];
  readonly answer: string;
  readonly followUp: readonly [string, string];
}

const QUESTIONS: readonly Question[] = [
  {
    question: 'How many vacation days do new employees get?',
    passages: [
      {
        source: 'handbook/time-off.md',
        text: 'Full-time employees get 27 vacation days a year, prorated in the first year by start month.',
      },
      { source: 'handbook/time-off.md', text: 'Unused days carry over until March 31 of the following year.' },
    ],
    answer:
      'Full-time employees get 27 vacation days a year; in your first year they are prorated by your start month. Unused days carry over until March 31.',
    followUp: [
      'Do public holidays count against that?',
      'No — public holidays of your work location are extra and do not count against the 27 days.',
    ],
  },
  {
    question: 'What is the on-call compensation?',
    passages: [
      { source: 'eng/on-call.md', text: 'On-call weeks are paid a flat 450 EUR; pages outside working hours add 50 EUR per hour worked.' },
      { source: 'eng/on-call.md', text: 'Engineers join the rotation after their third month.' },
    ],
    answer:
      'An on-call week pays a flat €450, plus €50 for each hour you work on a page outside working hours. You join the rotation after your third month.',
    followUp: ['Can I swap a week?', 'Yes — swap in the on-call tool and tell your team lead; both engineers must accept the swap.'],
  },
  {
    question: 'How do I request a new laptop?',
    passages: [
      { source: 'it/hardware.md', text: 'Laptops are replaced every 3 years. Request one in the IT portal under Hardware → Replacement.' },
      { source: 'it/hardware.md', text: 'Engineers can choose a 16-inch MacBook Pro or a ThinkPad X1 Carbon.' },
    ],
    answer:
      'Laptops are replaced every three years: request one in the IT portal under **Hardware → Replacement**. Engineers can pick a 16" MacBook Pro or a ThinkPad X1 Carbon.',
    followUp: [
      'Mine is only two years old but the battery is dead.',
      'Then file it as a repair in the same portal (Hardware → Repair); IT swaps batteries within a week.',
    ],
  },
  {
    question: 'Can I use production customer data in staging?',
    passages: [
      { source: 'security/data-handling.md', text: 'Production customer data must never be copied to staging or local machines.' },
      { source: 'security/data-handling.md', text: 'Use the anonymized nightly snapshot (staging-anon) for realistic test data.' },
    ],
    answer:
      'No — production customer data must never be copied to staging or to your machine. Use the anonymized nightly snapshot (`staging-anon`) instead.',
    followUp: ['How fresh is that snapshot?', 'It is rebuilt every night at 02:00 UTC from the previous day’s data.'],
  },
  {
    question: 'Who approves expenses over $500?',
    passages: [
      {
        source: 'finance/expenses.md',
        text: 'Expenses up to 500 USD are approved by your manager; above that, also by the department head.',
      },
      { source: 'finance/expenses.md', text: 'Submit receipts within 30 days in the expenses app.' },
    ],
    answer:
      'Above $500 an expense needs your manager’s and your department head’s approval. Submit the receipt within 30 days in the expenses app.',
    followUp: ['What about conference tickets?', 'Conference tickets follow the same rule, and need your learning budget to cover them.'],
  },
];

export const ragScenario: Scenario = {
  name: 'rag-chain',
  weight: 14,
  inTour: true,
  sessionPrefix: 'sess-',
  run(ctx: ScenarioContext): void {
    const { rng, trace: t } = ctx;
    const conversation = ctx.conversation;
    const turn = conversation?.turn ?? 0;
    const q = QUESTIONS[(conversation?.topic ?? 0) % QUESTIONS.length] as Question;
    const history = conversation?.history ?? [];
    const [question, answer] =
      turn === 0 ? [q.question, q.answer] : turn === 1 ? q.followUp : ['thanks', 'You’re welcome — ask me anytime.'];
    const record: RecordContext = {
      resource: SERVICES.ragApi,
      scope: SCOPES.langchain,
      sessionId: conversation?.sessionId,
      userId: conversation?.userId ?? ctx.user(),
    };
    const [model, llmName] = rng.weighted([
      [[MODELS.gpt4oMini, 'ChatOpenAI'], 5],
      [[MODELS.haiku, 'ChatAnthropic'], 3],
      [[MODELS.llama, 'ChatBedrock'], 2],
    ] as const);
    const context = q.passages.map((p) => p.text).join('\n\n');
    const messages: ChatMessage[] = [
      ...history,
      { role: 'user', content: `Answer from the context only.\n\nContext:\n${context}\n\nQuestion: ${question}` },
    ];
    const call = planCall(rng, model, {
      system:
        'You answer employees’ questions about the company handbook. Cite nothing you cannot find in the context; say so when the answer is not there.',
      messages,
      output: { role: 'assistant', content: answer },
      streaming: true,
      temperature: 0,
      maxTokens: 512,
    });
    const twice = model === MODELS.gpt4oMini && rng.chance(0.35);

    httpServer(t, null, 'POST', '/ask', { resource: SERVICES.ragApi, scope: SCOPES.fastapi }, (root) => {
      const io = {
        input: JSON.stringify({ question, chat_history: history.map((m) => [m.role, m.content]) }),
        output: JSON.stringify(answer),
      };
      oiChain(t, root, 'RunnableSequence', io, record, (chain) => {
        oiChain(
          t,
          chain,
          'RunnableParallel<context,question>',
          { input: JSON.stringify({ question }), output: JSON.stringify({ context, question }) },
          record,
          (parallel) => {
            const documents = q.passages.map((p, i) => ({
              id: `${p.source}#${i}`,
              content: p.text,
              source: p.source,
              score: 0.86 - i * 0.07 + rng.between(-0.03, 0.03),
            }));
            oiRetriever(t, parallel, question, documents, record, (retriever) => {
              oiEmbedding(
                t,
                retriever,
                planCall(rng, MODELS.embedding, { operation: 'embeddings', messages: [{ role: 'user', content: question }] }),
                [question],
                record,
              );
              t.wait(rng.between(4, 25));
            });
          },
        );
        oiChain(
          t,
          chain,
          'ChatPromptTemplate',
          { input: JSON.stringify({ question, context }), output: JSON.stringify({ messages: messages.length + 1 }) },
          record,
        );
        oiLlm(t, chain, llmName, call, record, twice ? (llm) => genAiCall(t, llm, call, { ...record, scope: SCOPES.openaiV2 }) : undefined);
        oiChain(t, chain, 'StrOutputParser', { input: JSON.stringify(answer), output: answer, mime: 'text/plain' }, record);
      });
    });
    history.push({ role: 'user', content: question }, { role: 'assistant', content: answer });
  },
};
