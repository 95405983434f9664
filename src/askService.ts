import * as vscode from 'vscode';
import type { AskProgress, ChatStatus, CozeAnswer, CozeError } from './coze';
import { loadCoze } from './cozeLoader';
import type { AnswerPanel, AnswerPanelManager } from './answerPanel';
import type { ClientProvider } from './clientProvider';
import { actionLabel, describeCozeError, describeSettingsProblem, type FixAction, type UserFacingError } from './errorMessages';
import type { KeyStore } from './keyStore';
import type { Log } from './log';
import type { Notifier } from './notifier';
import { progressTail } from './progressText';
import { looksBinary, MAX_QUESTION_CHARS } from './questionChecks';
import type { AnswerViewState } from './protocol';
import { apiHost, readSettings, REGION_BASE_URLS, type AskCozeSettings, type ResponseMode } from './settings';

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

function statusLabel(status: ChatStatus): string {
  switch (status) {
    case 'created':
      return vscode.l10n.t('Starting');
    case 'in_progress':
      return vscode.l10n.t('Thinking');
    case 'completed':
      return vscode.l10n.t('Completed');
    case 'failed':
      return vscode.l10n.t('Failed');
    case 'requires_action':
      return vscode.l10n.t('Waiting for a tool');
    case 'canceled':
      return vscode.l10n.t('Canceled');
  }
}

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
    const question = request.question.trim();
    if (!question) return { status: 'empty' }; // nothing to send: never spend a billed call on it
    let text = question;
    if (text.length > MAX_QUESTION_CHARS) {
      const send = vscode.l10n.t('Send the first {0} characters', MAX_QUESTION_CHARS.toLocaleString());
      const choice = await this.notifier.show(
        'warning',
        vscode.l10n.t('The question is {0} characters long; Ask Coze sends at most {1}.', text.length.toLocaleString(), MAX_QUESTION_CHARS.toLocaleString()),
        [send],
      );
      if (choice !== send) return { status: 'empty' };
      text = text.slice(0, MAX_QUESTION_CHARS);
    }

    if (looksBinary(text)) {
      const send = vscode.l10n.t('Send Anyway');
      const choice = await this.notifier.show(
        'warning',
        vscode.l10n.t('The selection looks like binary data, which a bot cannot read. Send it anyway?'),
        [send],
      );
      if (choice !== send) return { status: 'empty' };
    }

    const settings = readSettings();
    this.reportAdjustments(settings);
    const problem = describeSettingsProblem(settings);
    if (problem) {
      this.present(problem, settings, request);
      return { status: 'invalid-settings', message: problem.message };
    }
    const baseUrl = settings.baseUrl!;
    const token = await this.keys.get(baseUrl);
    if (!token) {
      const setKey = vscode.l10n.t('Set API Key');
      void this.notifier
        .show('warning', vscode.l10n.t('No Coze API key is set for {0}. Set one to ask questions.', apiHost(baseUrl)), [setKey])
        .then(async (choice) => {
          if (choice !== setKey) return;
          const saved = await vscode.commands.executeCommand<boolean>('askCoze.setApiKey');
          if (saved) void this.ask(request);
        });
      return { status: 'no-key' };
    }
    this.log.addSecret(token);
    return this.run({ ...request, question: text }, settings, token);
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
            client.ask(request.question, { mode, conversationId: request.conversationId, signal: controller.signal, onProgress }),
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
      if (!action) return;
      switch (action) {
        case 'setKey':
          if (await vscode.commands.executeCommand<boolean>('askCoze.setApiKey')) void this.ask(request);
          break;
        case 'switchRegion':
          await this.switchRegion(settings);
          void this.ask(request);
          break;
        case 'openSettings':
          await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ask-coze.ask-coze');
          break;
        case 'retry':
          void this.ask(request);
          break;
        case 'openLog':
          this.log.show();
          break;
      }
    });
  }

  /**
   * A token works only in the region that issued it (4100/4101). Switching moves the user to the other
   * region; the key entered for this region goes along only when that region has none yet, since the
   * likely story is "I pasted my coze.com key while cn was selected".
   */
  private async switchRegion(settings: AskCozeSettings): Promise<void> {
    const target = settings.region === 'com' ? 'cn' : 'com';
    const from = settings.baseUrl!;
    const to = REGION_BASE_URLS[target];
    const key = await this.keys.get(from);
    if (key && !(await this.keys.get(to))) await this.keys.set(to, key);
    await vscode.workspace.getConfiguration('askCoze').update('region', target, vscode.ConfigurationTarget.Global);
    this.log.info(`Switched region to ${target} (${apiHost(to)}).`);
  }

  private lastAdjustments = '';

  /** Out-of-range settings were clamped: say so once per distinct set, not on every question. */
  private reportAdjustments(settings: AskCozeSettings): void {
    const key = settings.adjustments.join('\n');
    if (key === this.lastAdjustments) return;
    this.lastAdjustments = key;
    if (!key) return;
    for (const note of settings.adjustments) this.log.warn(note);
    const open = vscode.l10n.t('Open Settings');
    void this.notifier
      .show('warning', vscode.l10n.t('Some Ask Coze settings are out of range and were adjusted: {0}', settings.adjustments.join('; ')), [open])
      .then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ask-coze.ask-coze');
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
