import * as vscode from 'vscode';
import { selectionSource, type ApplySource } from '../apply/applySource';
import type { AskPipeline, AskResult, AskUpdate } from '../ask/askPipeline';
import type { UserFacingError } from '../ask/errorMessages';
import { isChatFixAction } from '../ask/fixActionList';
import { needsNewKey } from '../ask/keyFailure';
import { progressTail } from '../ask/progressText';
import { parseAskArgs } from '../commandArgs';
import { Disposable } from '../dispose';
import { KeyStore } from '../keyStore';
import type { Log } from '../log';
import { boundReasoning, type AnswerViewState, type AnswerViewStrings } from '../protocol';
import { readSettings, type AskCozeSettings, type ResponseMode } from '../settings';
import { AnswerPanelManager, type AnswerPanel } from './answerPanel';

// Ask Coze's own surface: a question from the palette or the editor, its progress in a cancellable
// notification, the answer in a panel beside the editor, failures as notifications with their fixes. The
// asking itself is the ask pipeline's (src/ask/askPipeline.ts); this only turns its events into the panel.
//
// A failure only a new key fixes (no key, 4100, 4101: src/ask/keyFailure.ts) is shown as the chat shows it:
// its fixes (Set API Key…) under the message and no Retry, and the question is asked again in the same panel,
// once, when a key is set, whether through that button, the notification's or any other way.

export interface AskRequest {
  question: string;
  mode?: ResponseMode;
  conversationId?: string;
  /** Re-render into this panel (Retry) instead of opening a new one. */
  panel?: AnswerPanel;
  /** The selection the question is about, kept with its panel for Apply. */
  applySource?: ApplySource;
}

/** What the askCoze.ask command resolves with (tests and other callers read it). */
export type AskOutcome =
  | { status: 'answered'; text: string; followUps: string[]; conversationId: string; chatId: string; reasoning: string }
  | { status: 'canceled'; partialText: string }
  | { status: 'failed'; kind: string; code?: number; logId?: string; message: string; partialText: string }
  | { status: 'no-key' }
  | { status: 'empty' }
  | { status: 'invalid-settings'; message: string };

/** One question on its way into a panel. */
interface PanelRun {
  panel: AnswerPanel;
  /** What every update starts from: the question, the bot, the conversation. */
  base: AnswerViewState;
  /** Sets the progress notification's message. */
  report: (message: string) => void;
  lastMessage: string;
  /** The reasoning so far and how long it took, kept for an answer that ends without one of its own. */
  reasoning: Pick<AnswerViewState, 'reasoning' | 'reasoningMs'>;
}

export class AnswerSurface extends Disposable {
  private readonly running = new Set<AbortController>();
  private askingShown = false;
  readonly panels: AnswerPanelManager;
  /** Retry in a workflow run's panel runs the workflow again (src/workflow/workflowRunner.ts sets it). */
  workflowRetry: ((panel: AnswerPanel) => void) | undefined;
  /** Apply on a code block of a panel's answer (src/apply/codeApplier.ts; extension.ts sets it). */
  applyCode: ((code: string, sources: readonly ApplySource[]) => Promise<unknown>) | undefined;
  /** How each key failure shown was asked, to ask it the same way again (a restored panel has none: its state says). */
  private readonly keyFailures = new WeakMap<object, AskRequest>();
  /** Key failures already asked again: the button's retry and the key's change event both come for each. */
  private readonly askedAgain = new WeakSet<object>();

  constructor(
    private readonly pipeline: AskPipeline,
    extensionUri: vscode.Uri,
    strings: () => AnswerViewStrings,
    log: Log,
    /** "Continue in chat": the panel's question, answer and Coze conversation move to the chat. */
    continueInChat: (state: AnswerViewState) => Promise<void>,
    /** The bot's name a panel shows (src/bots/botNames.ts). */
    botName?: (botId: string, stored?: string) => string,
  ) {
    super();
    this.panels = this.register(
      new AnswerPanelManager(extensionUri, strings, log, {
        // A follow-up continues the conversation of the answer it was offered under.
        askFollowUp: (panel, question) => void this.ask({ question, conversationId: panel.currentState.conversationId, applySource: panel.applySource }),
        retry: (panel) =>
          panel.currentState.workflow
            ? this.workflowRetry?.(panel)
            : void this.ask({ question: panel.currentState.question, conversationId: panel.currentState.conversationId, panel }),
        // A workflow run is no conversation to go on with.
        continueInChat: (panel) => void (panel.currentState.workflow ? undefined : continueInChat(panel.currentState)),
        applyCode: (panel, code) => void this.applyCode?.(code, panel.applySource ? [panel.applySource] : []),
        fix: (panel, action) => {
          const failure = panel.currentState.error;
          void pipeline.fix(action, readSettings(), () => this.askAgainWithKey(panel, failure));
        },
        botName,
      }),
    );
    this.register({ dispose: () => this.stopAll() });
  }

  /**
   * A key stored for the address in use: every panel showing a failure only a new key fixes asks its question
   * again (extension.ts subscribes this).
   */
  askAgainWhenKeySet(keys: KeyStore): vscode.Disposable {
    return keys.onDidChange(async (origin) => {
      const { baseUrl } = readSettings();
      if (!baseUrl || KeyStore.originOf(baseUrl) !== origin || !(await keys.get(baseUrl))) return;
      for (const panel of this.panels.all()) {
        if (panel.currentState.phase === 'failed' && panel.currentState.canRetry === false) this.askAgainWithKey(panel, panel.currentState.error);
      }
    });
  }

  /**
   * How a panel shows `error` when only a new key fixes it (src/ask/keyFailure.ts): its fixes as buttons and no
   * Retry. Undefined for any other failure. For surfaces that fill a panel themselves (Coze: Run Workflow).
   */
  keyFailureView(error: UserFacingError, settings: AskCozeSettings): { error: NonNullable<AnswerViewState['error']>; canRetry: false } | undefined {
    if (!needsNewKey(error.actions)) return undefined;
    const actions = error.actions.filter(isChatFixAction).map((action) => ({ action, label: this.pipeline.label(action, settings) }));
    return { error: { message: error.message, code: error.code, logId: error.logId, actions }, canRetry: false };
  }

  /** The panel's key failure asked again, once (the notification's Set API Key, and the key's change event, both come). */
  askAgainOnceWithKey(panel: AnswerPanel): void {
    this.askAgainWithKey(panel, panel.currentState.error);
  }

  /** Asks a key failure's question again in its panel: only while the panel still shows that failure, and once. */
  private askAgainWithKey(panel: AnswerPanel, failure: AnswerViewState['error']): void {
    if (!failure || panel.isDisposed || panel.currentState.error !== failure || this.askedAgain.has(failure)) return;
    this.askedAgain.add(failure);
    // A workflow that failed on its key never started at Coze: running it again cannot run it twice.
    if (panel.currentState.workflow) return void this.workflowRetry?.(panel);
    const { question, conversationId } = panel.currentState;
    void this.ask({ ...(this.keyFailures.get(failure) ?? { question, conversationId }), panel });
  }

  /** The palette / context-menu entry point: the selection, else a typed question. */
  async askFromEditor(arg?: unknown): Promise<AskOutcome> {
    const args = parseAskArgs(arg);
    // A question passed by the caller is final (even if empty); otherwise the selection, else the input box.
    let question = args.question ?? selectedText();
    // Asked about the selection: Apply on the answer's code replaces it (src/apply/).
    const applySource = args.question === undefined && question !== undefined ? selectionSource(vscode.window.activeTextEditor) : undefined;
    if (question === undefined) {
      question = await vscode.window.showInputBox({
        title: vscode.l10n.t('Ask Coze'),
        prompt: vscode.l10n.t('Ask Coze a question'),
        placeHolder: vscode.l10n.t('e.g. How do I debounce a function in TypeScript?'),
        ignoreFocusOut: true,
      });
      if (question === undefined) return { status: 'empty' };
    }
    return this.ask({ question, mode: args.mode, applySource });
  }

  get isAsking(): boolean {
    return this.running.size > 0;
  }

  /**
   * Stops every question and workflow run in flight (the "Coze: Stop Answer" command): all of them, not the most
   * recent, as Stop always did for questions; each ends as its notification's Cancel would (docs/architecture.md).
   */
  stopAll(): void {
    for (const controller of this.running) controller.abort();
  }

  /**
   * Counts `controller` among the runs in flight until the returned function is called: meanwhile askCoze.asking
   * is set (Coze: Stop Answer's enablement) and stopAll() aborts it. Questions and workflow runs
   * (src/workflow/workflowRunner.ts) both go through it.
   */
  track(controller: AbortController): () => void {
    this.running.add(controller);
    this.showAsking();
    return () => {
      this.running.delete(controller);
      this.showAsking();
    };
  }

  /** The value last given to the askCoze.asking context key (no API reads a context key back; the tests read this). */
  get askingContext(): boolean {
    return this.askingShown;
  }

  private showAsking(): void {
    const asking = this.running.size > 0;
    if (asking === this.askingShown) return;
    this.askingShown = asking;
    void vscode.commands.executeCommand('setContext', 'askCoze.asking', asking);
  }

  async ask(request: AskRequest): Promise<AskOutcome> {
    // Nothing to send, or the user declined a cut or a binary-looking question: never spend a billed call.
    const question = await this.pipeline.prepare(request.question);
    if (question === undefined) return { status: 'empty' };
    const controller = new AbortController();
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    let view: PanelRun | undefined;
    const release = this.track(controller);
    try {
      const result = await this.pipeline.run({
        question,
        mode: request.mode,
        conversationId: request.conversationId,
        signal: controller.signal,
        source: 'Ask Coze',
        // The panel and the progress notification appear only once the question really goes out.
        onStart: ({ botId }) => {
          const base: AnswerViewState = {
            question,
            text: '',
            phase: 'waiting',
            statusText: vscode.l10n.t('Waiting for Coze…'),
            followUps: [],
            botId,
            conversationId: request.conversationId,
          };
          const panel = request.panel && !request.panel.isDisposed ? request.panel : this.panels.open(base);
          if (request.applySource) panel.applySource = request.applySource;
          panel.update(base);
          panel.reveal();
          view = { panel, base, report: showProgress(controller, done), lastMessage: '', reasoning: {} };
        },
        onProgress: (update) => view && this.progress(view, update),
      });
      return this.finish(result, view, { ...request, question });
    } finally {
      finished();
      release();
    }
  }

  private progress(view: PanelRun, update: AskUpdate): void {
    const message = update.text ? progressTail(update.text, 80) : update.statusText;
    if (message !== view.lastMessage) {
      view.lastMessage = message;
      view.report(message);
    }
    // Never part of the text: the panel shows it in its own Thinking block.
    view.reasoning = { reasoning: update.reasoning ? boundReasoning(update.reasoning) : undefined, reasoningMs: update.reasoningMs };
    view.panel.update({
      ...view.base,
      ...view.reasoning,
      text: update.text,
      phase: update.text ? 'streaming' : 'waiting',
      statusText: update.statusText,
      conversationId: update.conversationId ?? view.base.conversationId,
      elapsedMs: update.elapsedMs,
    });
  }

  private finish(result: AskResult, view: PanelRun | undefined, request: AskRequest): AskOutcome {
    if (result.status === 'answered') {
      const { answer } = result;
      view?.panel.update({
        ...view.base,
        ...view.reasoning,
        ...(answer.reasoning ? { reasoning: boundReasoning(answer.reasoning) } : {}),
        text: answer.text,
        phase: 'done',
        statusText: undefined,
        followUps: answer.followUps,
        usage: answer.usage,
        conversationId: answer.conversationId,
        elapsedMs: result.elapsedMs,
      });
      return { status: 'answered', text: answer.text, followUps: answer.followUps, conversationId: answer.conversationId, chatId: answer.chatId, reasoning: answer.reasoning };
    }
    if (result.status === 'canceled') {
      view?.panel.update({ ...view.base, ...view.reasoning, text: result.partialText, phase: 'canceled', statusText: undefined, conversationId: result.conversationId });
      return { status: 'canceled', partialText: result.partialText };
    }
    const { error } = result;
    const keyView = this.keyFailureView(error, result.settings);
    const keyFailure = keyView !== undefined;
    const shown: NonNullable<AnswerViewState['error']> = keyView?.error ?? { message: error.message, code: error.code, logId: error.logId };
    const failed = { phase: 'failed', statusText: undefined, error: shown, ...(keyFailure ? { canRetry: false } : {}) } as const;
    // The question and any partial answer stay in the panel, with Retry there too (or, for a key failure, its fixes).
    view?.panel.update({ ...view.base, ...view.reasoning, text: result.partialText, conversationId: result.conversationId, ...failed });
    // Asked again in a panel (Retry, a key set) and stopped before anything went out (no key now): the panel says so
    // instead of keeping its earlier failure; what it showed stays, its time and tokens (of that earlier answer) go.
    const retried = !view && request.panel && !request.panel.isDisposed ? request.panel : undefined;
    if (retried) {
      const { elapsedMs: _elapsed, usage: _usage, canRetry: _canRetry, ...kept } = retried.currentState;
      retried.update({ ...kept, ...failed });
    }
    const panel = view?.panel ?? retried;
    if (keyFailure && panel) this.keyFailures.set(shown, request);
    this.pipeline.notify(error, result.settings, () =>
      keyFailure && panel ? this.askAgainWithKey(panel, shown) : void this.ask(view ? { ...request, panel: view.panel } : request),
    );
    if (result.notReady === 'no-key') return { status: 'no-key' };
    if (result.notReady === 'invalid-settings') return { status: 'invalid-settings', message: error.message };
    return { status: 'failed', kind: result.kind, code: error.code, logId: error.logId, message: error.message, partialText: result.partialText };
  }
}

/**
 * Shows the cancellable progress notification until `done` settles; Cancel aborts the question. Returns the
 * function that sets its message.
 */
export function showProgress(controller: AbortController, done: Promise<void>, title = vscode.l10n.t('Asking Coze…')): (message: string) => void {
  let report: (message: string) => void = () => undefined;
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, cancel) => {
      cancel.onCancellationRequested(() => controller.abort());
      report = (message) => progress.report({ message });
      return done;
    },
  );
  return (message) => report(message);
}

export function selectedText(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const parts = editor.selections.filter((s) => !s.isEmpty).map((s) => editor.document.getText(s));
  const text = parts.join('\n\n');
  return text.trim() ? text : undefined;
}
