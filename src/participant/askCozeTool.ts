import * as v from 'valibot';
import * as vscode from 'vscode';
import type { AskPipeline } from '../ask/askPipeline';
import { fallbackBotName, type BotNameSource } from '../bots/botNames';
import { fenceFor } from '../chat/selectionQuote';
import { apiHost, readSettings } from '../settings';

// `#askCoze`, a language-model tool: an agent in VS Code's Chat consults the user's Coze bot (askCoze.botId)
// through the one ask pipeline. VS Code asks the user to confirm each call with the message prepareInvocation
// returns, since the question leaves the machine. Each call is a new Coze conversation: a tool call carries no
// session. A failure is returned as text in the user's language, not thrown, so that the agent can read it and
// tell the user; only a stop ends it as canceled.

export const TOOL_NAME = 'askCoze';

export interface AskCozeToolInput {
  question: string;
}

/** The input as the model sent it: checked, since VS Code validates it against the schema only loosely. */
const InputSchema = v.object({ question: v.string() });

/** How much of the question the confirmation shows. */
const SHOWN_QUESTION_CHARS = 2_000;

export interface AskCozeToolDeps {
  pipeline: AskPipeline;
  botNames?: BotNameSource;
}

export class AskCozeTool implements vscode.LanguageModelTool<AskCozeToolInput> {
  constructor(private readonly deps: AskCozeToolDeps) {}

  private botName(): string {
    const { botId } = readSettings();
    return this.deps.botNames?.resolve(botId) ?? fallbackBotName(botId);
  }

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<AskCozeToolInput>): vscode.PreparedToolInvocation {
    const settings = readSettings();
    const name = this.botName();
    const parsed = v.safeParse(InputSchema, options.input);
    const question = parsed.success ? parsed.output.question.trim() : '';
    const shown = question.length > SHOWN_QUESTION_CHARS ? `${question.slice(0, SHOWN_QUESTION_CHARS)}…` : question;
    const fence = fenceFor(shown);
    // Not trusted: the question is the model's text, shown as code.
    const message = new vscode.MarkdownString(
      `${vscode.l10n.t('Send this question to {0} on {1}?', name, settings.baseUrl ? apiHost(settings.baseUrl) : 'Coze')}\n\n${fence}text\n${shown}\n${fence}\n`,
    );
    return {
      invocationMessage: vscode.l10n.t('Asking {0}…', name),
      confirmationMessages: { title: vscode.l10n.t('Ask your Coze bot?'), message },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<AskCozeToolInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const text = (value: string) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
    const parsed = v.safeParse(InputSchema, options.input);
    if (!parsed.success) return text(vscode.l10n.t('Ask Coze needs a question to send (the input field “question”).'));
    const question = await this.deps.pipeline.prepare(parsed.output.question);
    if (!question) return text(parsed.output.question.trim() ? vscode.l10n.t('The question was not sent to Coze.') : vscode.l10n.t('Ask Coze needs a question to send (the input field “question”).'));
    if (token.isCancellationRequested) throw new vscode.CancellationError();

    const controller = new AbortController();
    const stop = token.onCancellationRequested(() => controller.abort());
    try {
      const result = await this.deps.pipeline.run({ question, signal: controller.signal, source: 'Language model tool' });
      switch (result.status) {
        case 'answered':
          return text(result.answer.text || vscode.l10n.t('{0} gave no text answer.', this.botName()));
        case 'canceled':
          throw new vscode.CancellationError();
        case 'failed':
          return text(result.error.message);
      }
    } finally {
      stop.dispose();
    }
  }
}
