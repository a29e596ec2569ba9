import { type ChatMessage, MODELS, planCall, toolCallId } from './model-calls.js';
import type { RecordContext } from './record-genai.js';
import { httpServer } from './record-infra.js';
import { type VercelStep, vercelGenerate } from './record-vercel-ai.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCOPES, SERVICES } from './services.js';

/**
 * A Next.js chat assistant built with the Vercel AI SDK: each message is a `streamText` with a
 * tool (order or invoice lookup) and a second step that answers; the first turn also names the
 * chat with a `generateText` call. Session and user travel in `ai.telemetry.metadata`.
 */

interface Topic {
  readonly question: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly result: Record<string, unknown>;
  readonly answer: string;
  readonly title: string;
  readonly followUp: readonly [string, string];
}

const TOPICS: readonly Topic[] = [
  {
    question: 'Has invoice INV-2094 been paid yet?',
    tool: 'getInvoice',
    args: { number: 'INV-2094' },
    result: { number: 'INV-2094', customer: 'Lumen Studio', total: '1,240.00 EUR', status: 'paid', paidAt: '2026-11-28' },
    answer: 'Yes — INV-2094 (Lumen Studio, €1,240.00) was paid on November 28.',
    title: 'Payment status of INV-2094',
    followUp: ['Can you send them a receipt?', 'Done — a receipt for INV-2094 is on its way to billing@lumen.studio.'],
  },
  {
    question: 'Which invoices are overdue by more than 30 days?',
    tool: 'listInvoices',
    args: { status: 'overdue', minDaysOverdue: 30 },
    result: {
      invoices: [
        { number: 'INV-1977', customer: 'Harbor & Co', total: '3,900.00 USD', daysOverdue: 41 },
        { number: 'INV-2003', customer: 'Kite Analytics', total: '780.00 USD', daysOverdue: 33 },
      ],
    },
    answer:
      'Two invoices are more than 30 days overdue:\n- INV-1977 — Harbor & Co, $3,900.00 (41 days)\n- INV-2003 — Kite Analytics, $780.00 (33 days)',
    title: 'Overdue invoices',
    followUp: ['Send a reminder to both.', 'Reminders sent to Harbor & Co and Kite Analytics. I’ll let you know if they pay.'],
  },
  {
    question: 'How much did we invoice in Q3 compared to Q2?',
    tool: 'getRevenue',
    args: { periods: ['2026-Q2', '2026-Q3'] },
    result: { '2026-Q2': '184,300.00 EUR', '2026-Q3': '201,950.00 EUR' },
    answer: 'You invoiced €201,950 in Q3, up 9.6% from €184,300 in Q2.',
    title: 'Q3 vs Q2 revenue',
    followUp: [
      'And by customer?',
      'Your top three customers in Q3 were Lumen Studio (€32,400), Harbor & Co (€28,100) and Kite Analytics (€19,750).',
    ],
  },
  {
    question: 'Create a draft invoice for Kite Analytics: 12 hours of consulting at $150.',
    tool: 'createDraftInvoice',
    args: { customer: 'Kite Analytics', lines: [{ description: 'Consulting', quantity: 12, unitPrice: 150, currency: 'USD' }] },
    result: { number: 'DRAFT-311', total: '1,800.00 USD', url: '/invoices/drafts/311' },
    answer: 'Created draft DRAFT-311 for Kite Analytics: 12 h × $150 = $1,800.00. Review and send it from Invoices → Drafts.',
    title: 'Draft invoice for Kite Analytics',
    followUp: ['Add 20% VAT.', 'Updated DRAFT-311: $1,800.00 + 20% VAT ($360.00) = $2,160.00.'],
  },
];

const SYSTEM =
  'You are the Northwind assistant inside the web app. Use the tools to look up or change invoices; never guess amounts. Answer in one or two sentences or a short list.';

export const webChatScenario: Scenario = {
  name: 'web-chat',
  weight: 16,
  inTour: true,
  sessionPrefix: 'chat_',
  run(ctx: ScenarioContext): void {
    const { rng, trace: t } = ctx;
    const conversation = ctx.conversation;
    const turn = conversation?.turn ?? 0;
    const topic = TOPICS[(conversation?.topic ?? 0) % TOPICS.length] as Topic;
    const history = conversation?.history ?? [];
    const record: RecordContext = {
      resource: SERVICES.webChat,
      scope: SCOPES.vercelAi,
      sessionId: conversation?.sessionId,
      userId: conversation?.userId ?? ctx.user(),
    };
    const model = rng.chance(0.55) ? MODELS.haiku : MODELS.gpt4oMini;
    const [question, answer] = turn === 0 ? [topic.question, topic.answer] : turn === 1 ? topic.followUp : ['Thanks!', 'You’re welcome!'];
    const messages: ChatMessage[] = [...history, { role: 'user', content: question }];
    // System prompt and tool schemas: about 900 tokens, cached by OpenAI once the prompt passes 1,024.
    const request = {
      system: SYSTEM,
      temperature: 0.3,
      maxTokens: 1_024,
      streaming: true,
      extraInputTokens: 900,
      cachedPrefixTokens: turn > 0 ? 1_100 : 0,
    };
    const steps: VercelStep[] = [];
    if (turn === 0) {
      const call = { id: toolCallId(rng, model), name: topic.tool, arguments: topic.args };
      steps.push({
        call: planCall(rng, model, { ...request, messages, output: { role: 'assistant', toolCalls: [call] }, finish: 'tool_calls' }),
        tools: [{ call, result: topic.result, durationMs: rng.between(25, 180) }],
      });
      messages.push(
        { role: 'assistant', toolCalls: [call] },
        { role: 'tool', toolCallId: call.id, toolName: call.name, content: JSON.stringify(topic.result) },
      );
    }
    steps.push({ call: planCall(rng, model, { ...request, messages, output: { role: 'assistant', content: answer } }) });

    httpServer(t, null, 'POST', '/api/chat', { resource: SERVICES.webChat, scope: SCOPES.nextjs }, (root) => {
      root.set({ 'next.span_type': 'AppRouteRouteHandlers.runHandler', 'next.route': '/api/chat' });
      vercelGenerate(t, root, 'stream', 'chat', steps, record);
      if (turn === 0) {
        const title = planCall(rng, MODELS.gpt4oMini, {
          system: 'Write a title of at most six words for this conversation. No quotes.',
          messages: [{ role: 'user', content: question }],
          output: { role: 'assistant', content: topic.title },
          temperature: 0,
          maxTokens: 30,
        });
        vercelGenerate(t, root, 'generate', 'chat-title', [{ call: title }], record);
      }
    });
    history.push({ role: 'user', content: question }, { role: 'assistant', content: answer });
  },
};
