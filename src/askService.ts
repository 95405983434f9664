import * as vscode from 'vscode';
import type { AskProgress, CozeAnswer, CozeError } from './coze';
import { loadCoze } from './cozeLoader';
import type { AnswerPanel, AnswerPanelManager } from './answerPanel';
import type { ClientProvider } from './clientProvider';
import { checkReadyToAsk, confirmQuestion, reportAdjustments, runFixAction, statusLabel } from './askFlow';
import { actionLabel, describeCozeError, type FixAction, type UserFacingError } from './errorMessages';
import type { KeyStore } from './keyStore';
import type { Log } from './log';
import type { Notifier } from './notifier';
import { progressTail } from './progressText';
import type { AnswerViewState } from './protocol';
import { apiHost, type AskCozeSettings, type ResponseMode } from './settings';

// Ask Coze: question in, answer panel out. Owns the progress notification, the cancellation of questions
// in flight and the way failures reach the user. It never talks HTTP itself: the client does.


export interface AskRequest {
  question: string;
  mode?: ResponseMode;
  conversationId?: string;
  /** Re-render into this panel (Retry) instead of opening a new one. */
  panel?: AnswerPanel;
}

export type AskOutcome =
  | { status: 'answered'; text: string; followUps: string[]; conversationId: string; chatId: string }
  | { status: 'canceled'; partialText: string }
  | { status: 'failed'; kind: string; code?: number; logId?: string; message: string; partialText: string }
  | { status: 'no-key' }
  | { status: 'empty' }
  | { status: 'invalid-settings'; message: string };

export class AskService implements vscode.Disposable {
  private readonly running = new Set<AbortController>();

  constructor(
    private readonly keys: KeyStore,
    private readonly clients: ClientProvider,
    private readonly panels: AnswerPanelManager,
    private readonly notifier: Notifier,
    private readonly log: Log,
    private readonly userId: string,
  ) {
    panels.handlers = {
      // A follow-up continues the conversation of the answer it was offered under.
      askFollowUp: (panel, question) => void this.ask({ question, conversationId: panel.currentState.conversationId }),
      retry: (panel) => void this.ask({ question: panel.currentState.question, conversationId: panel.currentState.conversationId, panel }),
    };
  }

  /** The palette / context-menu entry point: the selection, else a typed question. */
  async askFromEditor(arg?: unknown): Promise<AskOutcome> {
    const given = typeof arg === 'object' && arg !== null && typeof (arg as { question?: unknown }).question === 'string'
      ? (arg as { question: string }).question
      : undefined;
    const mode = typeof arg === 'object' && arg !== null && ((arg as { mode?: unknown }).mode === 'poll' || (arg as { mode?: unknown }).mode === 'stream')
      ? (arg as { mode: ResponseMode }).mode
      : undefined;
    // A question passed by the caller is final (even if empty); otherwise the selection, else the input box.
    let question = given ?? selectedText();
    if (question === undefined) {
      question = await vscode.window.showInputBox({
        title: vscode.l10n.t('Ask Coze'),
        prompt: vscode.l10n.t('Ask Coze a question'),
        placeHolder: vscode.l10n.t('e.g. How do I debounce a function in TypeScript?'),
        ignoreFocusOut: true,
      });
      if (question === undefined) return { status: 'empty' };
    }
    return this.ask({ question, mode });
  }

  get isAsking(): boolean {
    return this.running.size > 0;
  }

  /** Stops every question in flight (the "Coze: Stop" command). */
  stopAll(): void {
    for (const controller of this.running) controller.abort();
  }

  async ask(request: AskRequest): Promise<AskOutcome> {
    // Nothing to send, or the user declined a cut or a binary-looking question: never spend a billed call.
    const text = await confirmQuestion(request.question, this.notifier);
    if (text === undefined) return { status: 'empty' };
    const ready = await checkReadyToAsk(this.keys, this.log);
    reportAdjustments(ready.settings, this.notifier, this.log);
    if (!ready.ok) {
      this.present(ready.problem, ready.settings, request);
      return ready.reason === 'no-key' ? { status: 'no-key' } : { status: 'invalid-settings', message: ready.problem.message };
    }
    return this.run({ ...request, question: text }, ready.settings, ready.token);
  }

  private async run(request: AskRequest, settings: AskCozeSettings, token: string): Promise<AskOutcome> {
    const mode = request.mode ?? settings.responseMode;
    const base: AnswerViewState = {
      question: request.question,
      text: '',
      phase: 'waiting',
      statusText: vscode.l10n.t('Waiting for Coze…'),
      followUps: [],
      botId: settings.botId,
      conversationId: request.conversationId,
    };
    const panel = request.panel && !request.panel.isDisposed ? request.panel : this.panels.open(base);
    panel.update(base);
    panel.reveal();
    const controller = new AbortController();
    this.running.add(controller);
    void vscode.commands.executeCommand('setContext', 'askCoze.asking', true);
    const started = Date.now();
    this.log.info(`Asking ${apiHost(settings.baseUrl!)} (bot ${settings.botId}, ${mode}, ${request.question.length} chars)`);

    try {
      const answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Asking Coze…'), cancellable: true },
        (progress, cancel) => {
          cancel.onCancellationRequested(() => controller.abort());
          let lastMessage = '';
          const onProgress = (p: AskProgress) => {
            const seconds = Math.round(p.elapsedMs / 1000);
            const message = p.text
              ? progressTail(p.text, 80)
              : vscode.l10n.t('{0} · {1} s', statusLabel(p.status), seconds);
            if (message !== lastMessage) {
              lastMessage = message;
              progress.report({ message });
            }
            panel.update({
              ...base,
              text: p.text,
              phase: p.text ? 'streaming' : 'waiting',
              statusText: vscode.l10n.t('{0} · {1} s', statusLabel(p.status), seconds),
              conversationId: p.conversationId ?? base.conversationId,
              elapsedMs: p.elapsedMs,
            });
          };
          return this.clients.use(settings, token, this.userId, (client) =>
            client.ask(request.question, { mode, botId: settings.botId, conversationId: request.conversationId, signal: controller.signal, onProgress }),
          );
        },
      );
      return this.finish(panel, base, answer, started);
    } catch (err) {
      return this.fail(panel, base, err, settings, request);
    } finally {
      this.running.delete(controller);
      if (this.running.size === 0) void vscode.commands.executeCommand('setContext', 'askCoze.asking', false);
    }
  }

  private finish(panel: AnswerPanel, base: AnswerViewState, answer: CozeAnswer, started: number): AskOutcome {
    const elapsedMs = Date.now() - started;
    this.log.info(`Answered in ${elapsedMs} ms: ${answer.text.length} chars, ${answer.followUps.length} follow-ups, chat ${answer.chatId}`);
    panel.update({
      ...base,
      text: answer.text,
      phase: 'done',
      statusText: undefined,
      followUps: answer.followUps,
      usage: answer.usage,
      conversationId: answer.conversationId,
      elapsedMs,
    });
    return { status: 'answered', text: answer.text, followUps: answer.followUps, conversationId: answer.conversationId, chatId: answer.chatId };
  }

  private fail(panel: AnswerPanel, base: AnswerViewState, err: unknown, settings: AskCozeSettings, request: AskRequest): AskOutcome {
    const { isCozeError } = loadCoze();
    if (!isCozeError(err)) {
      this.log.error(`Unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const message = vscode.l10n.t('Ask Coze failed unexpectedly. See the log for details.');
      panel.update({ ...base, phase: 'failed', statusText: undefined, error: { message } });
      this.present({ severity: 'error', message, actions: ['retry', 'openLog'] }, settings, request);
      return { status: 'failed', kind: 'internal', message, partialText: '' };
    }
    const error = err as CozeError;
    const partialText = error.partialText ?? '';
    const conversationId = error.conversationId ?? base.conversationId;
    if (error.kind === 'canceled') {
      this.log.info('Question canceled.');
      panel.update({ ...base, text: partialText, phase: 'canceled', statusText: undefined, conversationId });
      return { status: 'canceled', partialText };
    }
    this.log.error(`Question failed: ${error.message}`);
    const described = describeCozeError(error, settings);
    // The question and any partial answer stay in the panel, with Retry there too.
    panel.update({
      ...base,
      text: partialText,
      phase: 'failed',
      statusText: undefined,
      conversationId,
      error: { message: described.message, code: error.code, logId: error.logId },
    });
    this.present(described, settings, { ...request, panel, conversationId: request.conversationId });
    return { status: 'failed', kind: error.kind, code: error.code, logId: error.logId, message: described.message, partialText };
  }

  /** Shows a failure with its actions, and runs the one the user picks. */
  private present(error: UserFacingError, settings: AskCozeSettings, request: AskRequest): void {
    const labels = new Map<string, FixAction>(error.actions.map((a) => [actionLabel(a, settings), a]));
    void this.notifier.show(error.severity, error.message, [...labels.keys()]).then(async (choice) => {
      const action = choice ? labels.get(choice) : undefined;
      if (action) await runFixAction(action, settings, { keys: this.keys, log: this.log }, () => void this.ask(request));
    });
  }

  dispose(): void {
    this.stopAll();
  }
}

function selectedText(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const parts = editor.selections.filter((s) => !s.isEmpty).map((s) => editor.document.getText(s));
  const text = parts.join('\n\n');
  return text.trim() ? text : undefined;
}
