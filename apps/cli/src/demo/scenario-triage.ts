import { type CallError, MODELS, planCall } from './model-calls.js';
import type { RecordContext } from './record-genai.js';
import { traceloopCall, traceloopTask, traceloopWorkflow } from './record-openllmetry.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCOPES, SERVICES } from './services.js';

/**
 * A ticket-triage worker (Python, OpenLLMetry): GPT-4o classifies a ticket — and is rate
 * limited (HTTP 429) often enough that the worker waits and tries again, falling back to Llama
 * on Bedrock when the retry is refused too — then a draft reply is written.
 */

interface Ticket {
  readonly subject: string;
  readonly body: string;
  readonly category: string;
  readonly priority: 'low' | 'normal' | 'high' | 'urgent';
  readonly reply: string;
}

const TICKETS: readonly Ticket[] = [
  {
    subject: 'Invoice numbers skipped from INV-2041 to INV-2049',
    body: 'Our accountant noticed gaps in invoice numbering this month. We need consecutive numbers for tax reasons. Can you explain?',
    category: 'billing',
    priority: 'high',
    reply:
      'Thanks for flagging this. Gaps appear when draft invoices are deleted after a number was reserved. You can switch to "number on send" under Settings → Invoicing so numbers are only assigned when an invoice is sent.',
  },
  {
    subject: 'PDF export shows wrong currency symbol',
    body: 'Invoices in CHF show the € sign in the PDF, but the web view is correct.',
    category: 'bug',
    priority: 'normal',
    reply:
      'Thank you for the report — we could reproduce it: PDFs use the workspace default currency symbol instead of the invoice currency. A fix is scheduled for this week; until then, the web view and CSV export show the correct currency.',
  },
  {
    subject: 'Need SSO with Okta',
    body: 'We are moving to Okta next month. Does Northwind support SAML SSO, and on which plan?',
    category: 'feature_request',
    priority: 'low',
    reply:
      'Yes — SAML SSO (Okta, Azure AD, Google Workspace) is part of the Business plan. Our setup guide is at docs.northwind.app/sso; I can also connect you with our onboarding team.',
  },
  {
    subject: 'URGENT: cannot send any invoices',
    body: 'Every time we click Send we get "Something went wrong". Month-end is today.',
    category: 'bug',
    priority: 'urgent',
    reply:
      'We are sorry — an outage affected invoice sending between 09:12 and 09:40 UTC and is now resolved. Please try again; invoices you tried to send during that time were not delivered.',
  },
  {
    subject: 'Remove a former employee',
    body: 'How can I remove access for someone who left the company? I am not the owner of the workspace.',
    category: 'account',
    priority: 'normal',
    reply:
      'Only owners and admins can remove members. Ask your workspace owner to open Settings → Members and choose Remove on that person.',
  },
];

const CLASSIFY =
  'Classify the support ticket. Answer with JSON only: {"category": "billing|bug|account|feature_request", "priority": "low|normal|high|urgent", "language": "<ISO 639-1>"}.';

function rateLimited(rng: ScenarioContext['rng']): CallError {
  const used = rng.int(28_000, 29_900);
  const wait = (rng.int(40, 290) / 100).toFixed(2);
  return {
    type: 'RateLimitError',
    status: 429,
    message: `Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o in organization org-Nw7uK2 on tokens per min (TPM): Limit 30000, Used ${used}, Requested 1311. Please try again in ${wait}s.', 'type': 'tokens', 'param': None, 'code': 'rate_limit_exceeded'}}`,
  };
}

export const triageScenario: Scenario = {
  name: 'triage-worker',
  weight: 10,
  inTour: true,
  run(ctx: ScenarioContext): void {
    const { rng, trace: t } = ctx;
    const ticket = rng.pick(TICKETS);
    const ticketId = `T-${rng.int(40_000, 49_999)}`;
    const customerId = `cus_${rng.alnum(14)}`;
    const openai: RecordContext & { customerId: string } = { resource: SERVICES.triageWorker, scope: SCOPES.traceloopOpenai, customerId };
    const bedrock = { ...openai, scope: SCOPES.traceloopBedrock };
    const sdk = { resource: SERVICES.triageWorker, scope: SCOPES.traceloopSdk };
    const limited = ctx.showcase || rng.chance(0.3);
    const refusedTwice = limited && !ctx.showcase && rng.chance(0.25);
    const classification = JSON.stringify({ category: ticket.category, priority: ticket.priority, language: 'en' });
    const messages = [{ role: 'user' as const, content: `Subject: ${ticket.subject}\n\n${ticket.body}` }];

    traceloopWorkflow(
      t,
      null,
      'triage_ticket',
      {
        input: { ticket_id: ticketId },
        output: { ticket_id: ticketId, category: ticket.category, priority: ticket.priority, draft: true },
      },
      { ...sdk, customerId },
      (workflow) => {
        workflow.set({ 'ticket.id': ticketId });
        traceloopTask(t, workflow, 'classify', 'triage_ticket', sdk, (task) => {
          const request = {
            system: CLASSIFY,
            messages,
            output: { role: 'assistant' as const, content: classification },
            temperature: 0,
            maxTokens: 100,
          };
          if (limited) {
            traceloopCall(t, task, planCall(rng, MODELS.gpt4o, { ...request, error: rateLimited(rng) }), 'triage_ticket', openai);
            t.wait(rng.between(900, 2_900));
            if (refusedTwice) {
              traceloopCall(t, task, planCall(rng, MODELS.gpt4o, { ...request, error: rateLimited(rng) }), 'triage_ticket', openai);
              traceloopCall(t, task, planCall(rng, MODELS.llama, request), 'triage_ticket', bedrock);
              return;
            }
          }
          traceloopCall(t, task, planCall(rng, MODELS.gpt4o, request), 'triage_ticket', openai);
        });
        traceloopTask(t, workflow, 'draft_reply', 'triage_ticket', sdk, (task) => {
          const useLlama = rng.chance(0.5);
          const plan = planCall(rng, useLlama ? MODELS.llama : MODELS.gpt4oMini, {
            system: 'Draft a short, friendly reply to this support ticket for a human agent to review. Do not promise dates.',
            messages: [...messages, { role: 'user', content: `Category: ${ticket.category}, priority: ${ticket.priority}` }],
            output: { role: 'assistant', content: ticket.reply },
            temperature: 0.4,
            maxTokens: 400,
          });
          traceloopCall(t, task, plan, 'triage_ticket', useLlama ? bedrock : openai);
        });
      },
    );
  },
};
