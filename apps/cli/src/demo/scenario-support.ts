import { type ChatMessage, MODELS, planCall, toolCallId } from './model-calls.js';
import { genAiAgent, genAiCall, genAiTool, type RecordContext } from './record-genai.js';
import { dbQuery, httpClient, httpServer } from './record-infra.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCOPES, SERVICES } from './services.js';
import type { DraftSpan } from './trace-builder.js';

/**
 * A support agent (Python, the OpenTelemetry OpenAI instrumentation, GenAI conventions) answers
 * a customer in a multi-turn session: it asks the model, which calls a knowledge-base search
 * tool — a request to a second service that embeds the query and reads Postgres — then streams
 * the answer. Later turns send the history again, so the prompt's prefix is served from cache.
 */

interface Topic {
  readonly questions: readonly string[];
  readonly query: string;
  readonly articles: readonly { id: string; title: string; snippet: string }[];
  readonly answer: string;
  readonly followUps: readonly (readonly [question: string, answer: string])[];
}

const TOPICS: readonly Topic[] = [
  {
    questions: [
      "I'm locked out of my account after three wrong passwords. How do I reset it?",
      'How do I reset my password? The reset email never arrives.',
    ],
    query: 'reset password locked out reset email',
    articles: [
      {
        id: 'kb-1042',
        title: 'Resetting your password',
        snippet: 'Use "Forgot password" on the sign-in page; the link is valid for 30 minutes.',
      },
      {
        id: 'kb-1187',
        title: 'Account lockouts',
        snippet: 'After 3 failed attempts an account is locked for 15 minutes. Admins can unlock it sooner.',
      },
    ],
    answer:
      'Sorry about that! Your account is locked for 15 minutes after three failed attempts. After that:\n1. Open the sign-in page and click **Forgot password**.\n2. Enter your work email — the link is valid for 30 minutes.\n3. If the email does not arrive, check your spam folder or ask your workspace admin to send a reset from **Settings → Members**.',
    followUps: [
      [
        'Still no email. Could our mail filter be blocking it?',
        'It could. Reset emails come from no-reply@mail.northwind.app — ask your IT team to allow that sender, then request a new link. An admin can also reset it for you from **Settings → Members → ⋯ → Reset password**.',
      ],
      ['That worked, thanks!', "Great, glad you're back in! Anything else I can help with?"],
    ],
  },
  {
    questions: ['Can I export all of last year’s invoices as a CSV?', 'How do I download every invoice from 2025 at once?'],
    query: 'export invoices csv date range',
    articles: [
      {
        id: 'kb-2210',
        title: 'Exporting invoices',
        snippet: 'Invoices → Export lets you pick a date range and CSV, XLSX or a ZIP of PDFs.',
      },
      { id: 'kb-2231', title: 'Export limits', snippet: 'Exports over 10,000 invoices are emailed as a download link when ready.' },
    ],
    answer:
      'Yes! Go to **Invoices → Export**, choose the date range (e.g. Jan 1 – Dec 31, 2025) and pick **CSV**. Exports over 10,000 invoices are prepared in the background and we email you a download link when they are ready.',
    followUps: [
      [
        'Can I get the PDFs too?',
        'Yes — in the same dialog choose **ZIP of PDFs** instead of CSV. Large ZIPs are also emailed as a link, usually within a few minutes.',
      ],
      [
        'Does the CSV include the tax breakdown?',
        'It does: each line has net, tax rate, tax amount and gross columns, plus the customer VAT ID when one is set.',
      ],
    ],
  },
  {
    questions: ['How do I turn on two-factor authentication for my whole team?', 'Can I make 2FA mandatory for everyone in our workspace?'],
    query: 'enforce two-factor authentication workspace',
    articles: [
      { id: 'kb-3300', title: 'Two-factor authentication', snippet: 'Members can enable 2FA with an authenticator app or a security key.' },
      {
        id: 'kb-3315',
        title: 'Security policies (Business plan)',
        snippet: 'Owners can require 2FA for all members under Settings → Security.',
      },
    ],
    answer:
      'On the Business plan, workspace owners can require it: open **Settings → Security**, switch on **Require two-factor authentication** and save. Members without 2FA will be asked to set it up the next time they sign in (authenticator app or security key).',
    followUps: [
      [
        'What happens to API tokens when we enforce it?',
        'Existing API tokens keep working — 2FA applies to interactive sign-ins only. We still recommend rotating tokens that are older than 90 days.',
      ],
      [
        'We are on the Team plan. Can we still do it?',
        'Enforcement is a Business plan feature, but every member on the Team plan can still turn on 2FA for their own account under **Profile → Security**.',
      ],
    ],
  },
  {
    questions: ['I was charged twice for March — can you check what happened?', 'Why do I see two charges of $49 on my card this month?'],
    query: 'duplicate charge billing refund',
    articles: [
      {
        id: 'kb-4120',
        title: 'Pending authorizations',
        snippet: 'A failed payment retry can leave a pending authorization that drops off in 3–5 business days.',
      },
      {
        id: 'kb-4122',
        title: 'Requesting a refund',
        snippet: 'Billing admins can request refunds for duplicate charges from Settings → Billing → History.',
      },
    ],
    answer:
      "Sorry for the confusion! When a payment is retried, the first attempt can show as a *pending authorization* — it isn't a real charge and disappears within 3–5 business days. If both charges are still there after that, a billing admin can request a refund from **Settings → Billing → History**, and I'm happy to flag it for our billing team.",
    followUps: [
      [
        'Both are marked as posted, not pending.',
        "Thanks for checking — then it is a duplicate. I've opened a refund request for the second $49 charge (ticket #48213); refunds reach your card in 5–10 business days.",
      ],
      [
        'OK, I will wait a few days then.',
        'Sounds good. If it is still there next week, just reply here and we will refund it right away.',
      ],
    ],
  },
  {
    questions: ['How do I rotate an API key without downtime?', 'We leaked an API key in a public repo. What should we do?'],
    query: 'rotate api key revoke leaked',
    articles: [
      {
        id: 'kb-5001',
        title: 'API keys',
        snippet: 'Each workspace can have up to 10 active keys; create the new key before revoking the old one.',
      },
      {
        id: 'kb-5007',
        title: 'Revoking a key',
        snippet: 'Revoked keys stop working within 60 seconds. Audit logs list every request made with a key.',
      },
    ],
    answer:
      'Create a second key first, then switch over:\n1. **Settings → API keys → New key** (you can have up to 10 active).\n2. Deploy the new key to your services.\n3. Revoke the old key — it stops working within 60 seconds.\nIf a key leaked, revoke it right away and check **Settings → Audit log** for requests made with it.',
    followUps: [
      [
        'Can I limit a key to read-only?',
        'Yes — when creating a key choose the **Read only** scope; it can list and download invoices and customers but cannot change anything.',
      ],
      [
        'Is there an API to rotate keys?',
        'There is: `POST /v2/api-keys` creates one and `DELETE /v2/api-keys/{id}` revokes it, both with an owner token.',
      ],
    ],
  },
  {
    questions: [
      'Our webhooks started failing with 401 this morning. Did something change?',
      'Webhook deliveries all show 401 Unauthorized since today.',
    ],
    query: 'webhook 401 signature secret rotated',
    articles: [
      {
        id: 'kb-6100',
        title: 'Verifying webhook signatures',
        snippet: 'Each delivery has a Northwind-Signature header, an HMAC-SHA256 of the body with your signing secret.',
      },
      { id: 'kb-6104', title: 'Rotating the signing secret', snippet: 'After a rotation both secrets are valid for 24 hours.' },
    ],
    answer:
      'A 401 usually means your endpoint rejects our signature. Was the signing secret rotated recently? After a rotation both secrets stay valid for 24 hours, then only the new one works. Update the secret your endpoint uses (**Settings → Webhooks → Signing secret**) and use **Resend** on the failed deliveries.',
    followUps: [
      [
        'Yes, someone rotated it yesterday. Can we resend everything at once?',
        'You can: in **Settings → Webhooks → Deliveries**, filter by status 401 and choose **Resend all** — up to 5,000 deliveries from the last 7 days.',
      ],
      ['Fixed — deliveries are green again.', 'Great to hear! Deliveries that still failed will also retry automatically for 3 days.'],
    ],
  },
];

const GENERIC_FOLLOW_UPS: readonly (readonly [string, string])[] = [
  [
    'Thanks! Is there a link to the docs for this?',
    'Of course — the full guide is at docs.northwind.app/help; the article I used is linked at the top of my answer.',
  ],
  [
    'Does this work the same in the mobile app?',
    'Mostly yes: the same settings are under **Menu → Settings** in the mobile app, except exports, which are web only.',
  ],
];

const SYSTEM =
  'You are Northwind’s customer support assistant. Answer questions about the Northwind invoicing app using only the knowledge base: call search_knowledge_base before answering anything product-specific. Be concise and friendly, use numbered steps for procedures, never invent settings or prices, and offer to escalate to a human for billing disputes.';

/** Where a conversation came in, as the support bot labels it. */
const CHANNELS = ['web', 'email', 'mobile'] as const;

/** Tokens of the tool definitions and policy text the app sends with every request. */
const PROMPT_OVERHEAD = 1_150;

export const supportScenario: Scenario = {
  name: 'support-agent',
  weight: 22,
  inTour: true,
  sessionPrefix: 'conv_',
  run(ctx: ScenarioContext): void {
    const { rng, trace: t } = ctx;
    const conversation = ctx.conversation;
    const sessionId = conversation?.sessionId;
    const userId = conversation?.userId ?? ctx.user();
    const topic = TOPICS[(conversation?.topic ?? rng.int(0, TOPICS.length - 1)) % TOPICS.length] as Topic;
    const turn = conversation?.turn ?? 0;
    const history = conversation?.history ?? [];
    const followUp = (): readonly [string, string] => topic.followUps[turn - 1] ?? rng.pick(GENERIC_FOLLOW_UPS);
    const [question, scripted] = turn === 0 ? [rng.pick(topic.questions), topic.answer] : followUp();
    const model = rng.chance(0.2) ? MODELS.gpt4o : MODELS.gpt4oMini;
    const app: RecordContext = { resource: SERVICES.supportBot, scope: SCOPES.app('support_bot.agent'), sessionId, userId };
    // The support bot names each conversation after its topic and labels it with its channel.
    const llm: RecordContext = {
      ...app,
      scope: SCOPES.openaiV2,
      sessionName: sessionId ? `Support: ${topic.articles[0]?.title ?? 'question'}` : undefined,
      labels: sessionId
        ? { channel: CHANNELS[sessionId.charCodeAt(sessionId.length - 1) % CHANNELS.length] as string, team: 'support' }
        : undefined,
    };
    const fastapi = { resource: SERVICES.supportBot, scope: SCOPES.fastapi };
    const messages: ChatMessage[] = [...history, { role: 'user', content: question }];
    // The instructions and tools are the same for everyone, so OpenAI usually has them cached;
    // after the first turn the earlier turns are cached too.
    const shared = rng.chance(0.7) ? PROMPT_OVERHEAD : 0;
    const warm = turn > 0 ? PROMPT_OVERHEAD + 100 + history.reduce((n, m) => n + (m.content?.length ?? 0) / 4, 0) : shared;
    const searches = turn === 0 || rng.chance(0.5);

    httpServer(t, null, 'POST', '/v1/chat', fastapi, (root) => {
      root.set({ 'enduser.id': userId, 'app.session.id': sessionId });
      genAiAgent(
        t,
        root,
        { name: 'support-agent', id: 'asst_support_v3', description: 'Answers customer questions from the knowledge base' },
        app,
        (agent) => {
          if (searches) {
            const call = { id: toolCallId(rng, model), name: 'search_knowledge_base', arguments: { query: topic.query, top_k: 4 } };
            const plan = planCall(rng, model, {
              system: SYSTEM,
              messages,
              output: { role: 'assistant', toolCalls: [call] },
              finish: 'tool_calls',
              temperature: 0.2,
              extraInputTokens: PROMPT_OVERHEAD,
              cachedPrefixTokens: warm,
            });
            genAiCall(t, agent, plan, llm);
            const result = JSON.stringify(topic.articles.map((a) => ({ id: a.id, title: a.title, snippet: a.snippet })));
            genAiTool(t, agent, call, { result, description: 'Searches the help center articles' }, app, (tool) => {
              knowledgeBaseSearch(ctx, tool, topic.query);
            });
            messages.push(
              { role: 'assistant', toolCalls: [call] },
              { role: 'tool', toolCallId: call.id, toolName: call.name, content: result },
            );
          }
          const answer = planCall(rng, model, {
            system: SYSTEM,
            messages,
            output: { role: 'assistant', content: scripted },
            streaming: true,
            temperature: 0.2,
            extraInputTokens: PROMPT_OVERHEAD,
            cachedPrefixTokens: searches ? PROMPT_OVERHEAD + 80 : warm,
          });
          genAiCall(t, agent, answer, llm);
        },
      );
    });
    history.push({ role: 'user', content: question }, { role: 'assistant', content: scripted });
  },
};

/** kb-search: embeds the query and finds the nearest chunks in Postgres (pgvector). */
function knowledgeBaseSearch(ctx: ScenarioContext, parent: DraftSpan, query: string): void {
  const { rng, trace: t } = ctx;
  const httpx = { resource: SERVICES.supportBot, scope: SCOPES.httpx };
  const kb = { resource: SERVICES.kbSearch, scope: SCOPES.fastapi };
  httpClient(t, parent, 'POST', 'http://kb-search.internal:8080/search', httpx, (client) => {
    t.wait(rng.between(0.5, 2));
    httpServer(t, client, 'POST', '/search', kb, (server) => {
      const embed = planCall(rng, MODELS.embedding, { operation: 'embeddings', messages: [{ role: 'user', content: query }] });
      genAiCall(t, server, embed, { resource: SERVICES.kbSearch, scope: SCOPES.openaiV2 });
      dbQuery(
        t,
        server,
        'postgresql',
        'SELECT',
        'kb_chunks',
        'SELECT id, article_id, body, 1 - (embedding <=> $1) AS score FROM kb_chunks ORDER BY embedding <=> $1 LIMIT $2',
        rng.between(3, 18),
        { resource: SERVICES.kbSearch, scope: SCOPES.app('kb_search.store') },
      );
    });
  });
}
