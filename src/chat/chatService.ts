import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { AskPipeline } from '../ask/askPipeline';
import { actionLabel } from '../ask/fixActions';
import type { ChatFixAction } from '../ask/fixActionList';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import type { AnswerViewState, ChatTurnView, ChatViewState } from '../protocol';
import { MAX_CHAT_TITLE } from '../protocol';
import { readSettings, type AskCozeSettings } from '../settings';
import { fallbackBotName, type BotNameSource } from '../bots/botNames';
import { readBots, type ChatBot } from './chatBots';
import { askTarget, CONVERSATION_VERSION, titleFromQuestion, type StoredConversation, type StoredTurn } from './chatModel';
import { ChatSaver } from './chatSaver';
import type { ChatStore } from './chatStore';
import type { ConversationFile } from './historySearch';
import { ConversationRuns } from './conversationRuns';
import { applyResult, applyUpdate, failTurn, failUnsent, offersRetry } from './turnOutcome';
import { uploadTurnAttachments, type TurnUploadOutcome } from './attachmentUpload';
import { attachmentView, storedAttachment, type PendingAttachments } from './pendingAttachments';

// The chat's state and its questions: which conversation is open, the turn being answered, stop and retry,
// history operations, and saving. The extension is the source of truth: the view only renders what this
// holds (and can be disposed and rebuilt at any time), and everything is saved through the ChatStore.
//
// Multi-turn: a conversation keeps Coze's conversation_id; every question after the first passes it, so the
// bot remembers. Stop aborts the question (the client closes the stream and cancels the chat on Coze) and
// marks the turn stopped at once, keeping its text; a new question in that conversation waits until the
// cancel has gone out, or Coze would answer 4016 (conversation busy).

const CURRENT_KEY = 'askCoze.chat.current';
const BOT_KEY = 'askCoze.chat.bot';

interface RunData {
  conversation: StoredConversation;
  turn: StoredTurn;
}

export interface ChatProgressEvent {
  conversationId: string;
  turn: StoredTurn;
}

export interface ChatServiceDeps {
  pipeline: AskPipeline;
  log: Log;
  store: ChatStore;
  /** Remembers the open conversation (per workspace, so two windows do not fight over one). */
  workspaceState: vscode.Memento;
  /** Remembers the bot last chosen for new chats. */
  globalState: vscode.Memento;
  /** Files attached in the composer for the next question (src/chat/pendingAttachments.ts). */
  attachments: PendingAttachments;
  /** What bots are called (src/bots/botNames.ts); without it a bot with no configured name shows its short id. */
  botNames?: BotNameSource;
}

export class ChatService extends Disposable {
  private current: StoredConversation;
  /** Conversations with a question running (they may not be the open one). */
  private readonly runs = new ConversationRuns<RunData>();
  private readonly saver: ChatSaver;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Structural changes: turns added or ended, another conversation opened, history, bots. */
  readonly onDidChange = this.changed.event;
  private readonly progressed = this.register(new vscode.EventEmitter<ChatProgressEvent>());
  /** Text or status of a running turn changed. */
  readonly onDidProgress = this.progressed.event;
  private readonly inputReturned = this.register(new vscode.EventEmitter<string>());
  /** A question that never went out (an upload failed): its text goes back into the composer. */
  readonly onDidReturnInput = this.inputReturned.event;
  private loaded: Promise<void>;

  constructor(private readonly deps: ChatServiceDeps) {
    super();
    this.saver = new ChatSaver(
      deps.store,
      deps.log,
      (conversation) => {
        if (conversation === this.current) void deps.workspaceState.update(CURRENT_KEY, conversation.id);
      },
      // Another window wrote turns of this conversation: the save merged them in (src/chat/historyMerge.ts).
      () => this.changed.fire(),
    );
    this.current = this.fresh();
    this.loaded = this.restore();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('askCoze.bots') || e.affectsConfiguration('askCoze.botId')) this.changed.fire();
      }),
    );
    this.register(deps.attachments.onDidChange(() => this.changed.fire()));
    if (deps.botNames) this.register(deps.botNames.onDidChange(() => this.changed.fire()));
    // Back from another window, which may have written this window's conversation or the history.
    this.register(vscode.window.onDidChangeWindowState((state) => state.focused && void this.refreshHistory()));
  }

  /** Resolves once the history is loaded and the conversation open at the last session is back. */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  /** The files attached in the composer for the next question. */
  get attachments(): PendingAttachments {
    return this.deps.attachments;
  }

  get currentConversation(): StoredConversation {
    return this.current;
  }

  private async restore(): Promise<void> {
    try {
      await this.deps.store.load();
      const id = this.deps.workspaceState.get<string>(CURRENT_KEY);
      const saved = id ? await this.deps.store.read(id) : undefined;
      if (saved && this.current.turns.length === 0) this.current = saved;
    } catch (err) {
      this.deps.log.warn(`Chat history could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.changed.fire();
  }

  /** Reads the history folder again (another window may have changed it). */
  async refreshHistory(): Promise<void> {
    await this.loaded;
    await this.deps.store.load().catch(() => undefined);
    await this.refreshCurrent();
    this.changed.fire();
  }

  /** The open conversation takes in what another window saved of it since (docs/history.md). */
  private async refreshCurrent(): Promise<void> {
    if (this.current.turns.length === 0) return;
    await this.deps.store.refresh(this.current).catch((err: unknown) => this.deps.log.warn(`Chat history could not be read: ${err instanceof Error ? err.message : String(err)}`));
  }

  /**
   * "Keep a Copy" of a conversation deleted in another window while it was open here: once its answer (if one
   * is arriving) has ended, it is saved again under a new id (the same Coze conversation), and opened when it
   * was the open one.
   */
  async keepCopy(id: string): Promise<void> {
    await this.loaded;
    const source = this.current.id === id ? this.current : this.runs.get(id)?.data.conversation;
    await this.runs.get(id)?.settled;
    if (!source || source.turns.length === 0) return;
    const copy: StoredConversation = { ...structuredClone(source), id: newId(), updatedAt: Date.now() };
    if (source === this.current && !this.runs.get(id)) this.current = copy;
    await this.saver.now(copy);
    this.changed.fire();
  }

  bots(): ChatBot[] {
    return readBots(readSettings().botId, [], this.nameOf);
  }

  /** A bot's name for the view: configured, told by Coze, else the one kept with the turn (src/bots/botNames.ts). */
  private readonly nameOf = (botId: string, stored?: string): string =>
    this.deps.botNames?.resolve(botId, stored) ?? stored ?? fallbackBotName(botId);

  /** The bot for a new chat: the one last chosen while it is still configured, else askCoze.botId. */
  private preferredBot(): ChatBot {
    const bots = this.bots();
    const chosen = this.deps.globalState.get<string>(BOT_KEY);
    return bots.find((b) => b.id === chosen) ?? bots[0] ?? { id: readSettings().botId, name: '' };
  }

  private fresh(bot: ChatBot = this.preferredBot()): StoredConversation {
    const now = Date.now();
    return {
      version: CONVERSATION_VERSION,
      id: newId(),
      title: '',
      botId: bot.id,
      botName: bot.name || undefined,
      createdAt: now,
      updatedAt: now,
      turns: [],
      trimmedTurns: 0,
    };
  }

  // ---- what the view shows ------------------------------------------------------------------------------

  viewState(): ChatViewState {
    const c = this.current;
    const settings = readSettings();
    const bots = readBots(settings.botId, [], this.nameOf);
    if (!bots.some((b) => b.id === c.botId)) bots.push({ id: c.botId, name: this.nameOf(c.botId, c.botName) });
    return {
      conversationId: c.id,
      title: c.title,
      botId: c.botId,
      turns: c.turns.map((t, i) => this.turnView(t, settings, i === c.turns.length - 1)),
      busy: this.runs.isAnswering(c.id),
      bots,
      history: this.deps.store.list().map((s) => ({ ...s, botName: this.nameOf(s.botId, s.botName) || undefined })),
      trimmedTurns: c.trimmedTurns,
      attachments: this.deps.attachments.views(),
    };
  }

  turnView(t: StoredTurn, settings?: AskCozeSettings, isLast = this.current.turns.at(-1) === t): ChatTurnView {
    const view: ChatTurnView = {
      id: t.id,
      question: t.question,
      answer: t.answer,
      status: t.status,
      followUps: t.followUps,
      botId: t.botId,
      canRetry: offersRetry(t, isLast),
    };
    const botName = this.nameOf(t.botId, t.botName);
    if (botName) view.botName = botName;
    if (t.usage) view.usage = t.usage;
    if (t.elapsedMs !== undefined) view.elapsedMs = t.elapsedMs;
    if (t.reasoning) view.reasoning = t.reasoning;
    if (t.reasoningMs !== undefined) view.reasoningMs = t.reasoningMs;
    if (t.attachments) view.attachments = t.attachments.map((a) => attachmentView(a.name, a.bytes, a.type));
    if (t.status === 'waiting' || t.status === 'streaming') view.statusText = this.statusTexts.get(t.id);
    if (t.error) {
      settings ??= readSettings();
      const labelSettings = settings;
      view.error = {
        message: t.error.message,
        code: t.error.code,
        logId: t.error.logId,
        actions: t.error.actions.map((action) => ({ action, label: actionLabel(action, labelSettings) })),
      };
    }
    return view;
  }

  /** Status lines of running turns ("Thinking · 3 s"); not saved. */
  private readonly statusTexts = new Map<string, string>();

  /** Some answer is still running (or its cancel is still going out), in any conversation. */
  isBusy(): boolean {
    return this.runs.busy;
  }

  // ---- asking --------------------------------------------------------------------------------------------

  /**
   * Asks `text` in the open conversation, with the composer's attachments `attachmentIds`. Resolves when the
   * answer has ended (done, stopped or failed).
   */
  async send(text: string, attachmentIds: readonly string[] = []): Promise<void> {
    await this.loaded;
    const conversation = this.current;
    if (this.runs.isAnswering(conversation.id)) return; // one answer at a time; the view shows Stop meanwhile
    const question = await this.deps.pipeline.prepare(text);
    if (!question || this.runs.isAnswering(conversation.id)) return;
    const turn = this.newTurn(question, conversation);
    const files = this.deps.attachments.take(attachmentIds);
    if (files.length) turn.attachments = files.map(storedAttachment);
    conversation.turns.push(turn);
    if (!conversation.titleEdited && conversation.turns.length + conversation.trimmedTurns === 1) {
      conversation.title = titleFromQuestion(question, vscode.l10n.t('New chat'));
    }
    conversation.updatedAt = Date.now();
    await this.run(conversation, turn);
  }

  /** Asks a failed, stopped or interrupted turn again: in place when it is the last, else as a new turn. */
  async retry(turnId: string): Promise<void> {
    await this.loaded;
    const conversation = this.current;
    const index = conversation.turns.findIndex((t) => t.id === turnId);
    const turn = conversation.turns[index];
    if (!turn || turn.status === 'done' || turn.status === 'waiting' || turn.status === 'streaming') return;
    if (this.runs.isAnswering(conversation.id)) return;
    if (index !== conversation.turns.length - 1) return this.send(turn.question, this.deps.attachments.restore(turn.id, turn.attachments ?? []));
    const bot = this.botFor(conversation);
    Object.assign(turn, { answer: '', status: 'waiting', followUps: [], startedAt: Date.now(), botId: bot.id, botName: bot.name || undefined });
    delete turn.error;
    delete turn.usage;
    delete turn.elapsedMs;
    delete turn.chatId;
    delete turn.reasoning;
    delete turn.reasoningMs;
    conversation.updatedAt = Date.now();
    this.deps.attachments.dropRestored(turn.id); // the turn takes its own files again
    await this.run(conversation, turn);
  }

  /** Stops the answer of the open conversation: at once in the view, and on Coze through the client. */
  stop(): void {
    const run = this.runs.stop(this.current.id);
    if (!run) return;
    const { turn, conversation } = run.data;
    turn.status = 'stopped';
    turn.elapsedMs = Date.now() - turn.startedAt;
    this.statusTexts.delete(turn.id);
    this.deps.log.info('Chat: answer stopped.');
    void this.saver.now(conversation);
    this.changed.fire();
  }

  private botFor(conversation: StoredConversation): ChatBot {
    const bot = this.bots().find((b) => b.id === conversation.botId);
    return bot ?? { id: conversation.botId, name: conversation.botName ?? '' };
  }

  private newTurn(question: string, conversation: StoredConversation): StoredTurn {
    const bot = this.botFor(conversation);
    return { id: newId(), question, answer: '', status: 'waiting', followUps: [], botId: bot.id, botName: bot.name || undefined, startedAt: Date.now() };
  }

  /** Runs the turn's question through the ask pipeline and turns its events into the turn. */
  private async run(conversation: StoredConversation, turn: StoredTurn): Promise<void> {
    const begun = this.runs.begin(conversation.id, { conversation, turn });
    if (!begun) return;
    const { run, previous } = begun;
    this.statusTexts.set(turn.id, vscode.l10n.t('Waiting for Coze…'));
    void this.saver.now(conversation);
    this.changed.fire();
    try {
      // The stopped question before this one must have been canceled on Coze first (else 4016).
      if (previous) await previous.settled;
      if (run.stopped) return;
      const upload = turn.attachments ? await this.upload(conversation, turn, run.controller.signal) : undefined;
      if (run.stopped || upload?.status === 'canceled') return;
      if (upload?.status === 'failed') {
        failUnsent(turn, upload.message, upload.actions, upload.code, upload.logId);
        this.returnToComposer(turn);
        return;
      }
      const result = await this.deps.pipeline.run({
        question: turn.question,
        // The chat's bot, not necessarily askCoze.botId; or a chatflow, which is asked just like a bot.
        ...askTarget(this.botFor(conversation)),
        conversationId: conversation.cozeConversationId,
        attachments: upload?.attachments,
        signal: run.controller.signal,
        source: 'Chat',
        onProgress: (update) => {
          if (run.stopped) return;
          applyUpdate(conversation, turn, update);
          if (update.text) this.statusTexts.delete(turn.id);
          else this.statusTexts.set(turn.id, update.statusText);
          this.saver.soon(conversation, turn);
          this.progressed.fire({ conversationId: conversation.id, turn });
        },
      });
      applyResult(conversation, turn, result, run.stopped, Date.now(), {
        conversationForgotten: vscode.l10n.t('Coze no longer knows this conversation: the next question starts a new one, without the earlier context.'),
      });
    } catch (err) {
      // The pipeline classifies every failure of the question itself; this is a bug of ours around it.
      this.deps.log.error(`Chat: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      failTurn(turn, vscode.l10n.t('Ask Coze failed unexpectedly. See the log for details.'), ['openLog'], Date.now());
    } finally {
      this.statusTexts.delete(turn.id);
      this.runs.end(run);
      conversation.updatedAt = Date.now();
      if (!this.isDisposed) {
        void this.saver.now(conversation);
        this.changed.fire();
      }
    }
  }

  /** Uploads the turn's files Coze does not have yet, each one's progress in the turn's status line. */
  private async upload(conversation: StoredConversation, turn: StoredTurn, signal: AbortSignal): Promise<TurnUploadOutcome> {
    if (askTarget(this.botFor(conversation)).workflowId) {
      // Coze's chatflow chat takes text only (the client refuses files for it): say so before uploading anything.
      return { status: 'failed', message: vscode.l10n.t('A chatflow takes text only: remove the attachments, or ask a bot about the files.'), actions: [] };
    }
    const outcome = await uploadTurnAttachments(turn, { pipeline: this.deps.pipeline, files: this.deps.attachments }, signal, {
      status: (text) => {
        this.statusTexts.set(turn.id, text);
        this.progressed.fire({ conversationId: conversation.id, turn });
      },
      uploaded: () => this.saver.soon(conversation),
    });
    if (outcome.status === 'ready') this.statusTexts.set(turn.id, vscode.l10n.t('Waiting for Coze…'));
    return outcome;
  }

  /** A question that never went out: its text and its files go back into the composer, so nothing is lost. */
  private returnToComposer(turn: StoredTurn): void {
    this.deps.attachments.restore(turn.id, turn.attachments ?? []);
    this.inputReturned.fire(turn.question);
  }

  /** A fix picked under the last failed turn of the open conversation; the turn is asked again when it may help. */
  async fixAction(action: ChatFixAction): Promise<void> {
    const turn = [...this.current.turns].reverse().find((t) => t.status === 'failed');
    const failure = turn?.error;
    await this.deps.pipeline.fix(action, readSettings(), () => {
      // Only a turn still last (as Retry: an earlier question is not asked again below the later ones) and still
      // failed as when the fix was picked: once asked again, it is not asked once more.
      if (turn && turn === this.current.turns.at(-1) && turn.error === failure) void this.retry(turn.id);
    });
  }

  // ---- conversations -------------------------------------------------------------------------------------

  /** Starts an empty conversation (the previous one stays in the history). */
  async newChat(bot?: ChatBot): Promise<void> {
    await this.loaded;
    if (this.current.turns.length === 0 && (!bot || bot.id === this.current.botId)) return;
    this.current = this.fresh(bot);
    void this.deps.workspaceState.update(CURRENT_KEY, undefined);
    this.changed.fire();
  }

  async open(id: string): Promise<boolean> {
    await this.loaded;
    if (id === this.current.id) {
      await this.refreshCurrent();
      this.changed.fire();
      return true;
    }
    const conversation = this.runs.get(id)?.data.conversation ?? (await this.deps.store.read(id));
    if (!conversation) {
      this.changed.fire(); // the history shown was stale
      return false;
    }
    this.current = conversation;
    void this.deps.workspaceState.update(CURRENT_KEY, id);
    this.changed.fire();
    return true;
  }

  /** Each saved conversation's summary and file, most recent first: what the history search reads (src/chat/historySearch.ts). */
  async historyFiles(): Promise<ConversationFile[]> {
    await this.loaded;
    return this.deps.store.conversationFiles();
  }

  /** A conversation as it stands: the open one, one still answering, else the saved one (Export as Markdown). */
  async conversation(id: string): Promise<StoredConversation | undefined> {
    await this.loaded;
    return this.current.id === id ? this.current : (this.runs.get(id)?.data.conversation ?? (await this.deps.store.read(id)));
  }

  /** A bot's name as the chat shows it. */
  botName(botId: string, stored?: string): string {
    return this.nameOf(botId, stored);
  }

  async rename(id: string, title: string): Promise<void> {
    await this.loaded;
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, MAX_CHAT_TITLE);
    if (!clean) return;
    const conversation = this.current.id === id ? this.current : (this.runs.get(id)?.data.conversation ?? (await this.deps.store.read(id)));
    if (!conversation) return;
    conversation.title = clean;
    conversation.titleEdited = true;
    await this.saver.now(conversation);
    this.changed.fire();
  }

  async delete(id: string): Promise<void> {
    await this.loaded;
    this.runs.stop(id);
    this.saver.cancel(id);
    await this.deps.store.delete(id);
    if (this.current.id === id) {
      this.current = this.fresh();
      void this.deps.workspaceState.update(CURRENT_KEY, undefined);
    }
    this.changed.fire();
  }

  /** Coze: Select Bot picked this bot while the open chat answers: that chat keeps its bot, the next new one gets it. */
  preferBot(botId: string): void {
    void this.deps.globalState.update(BOT_KEY, botId);
  }

  /** The header's bot switch: applies to an empty chat; otherwise a new chat starts with that bot. */
  async selectBot(botId: string): Promise<void> {
    await this.loaded;
    const bot = this.bots().find((b) => b.id === botId);
    if (!bot) return;
    void this.deps.globalState.update(BOT_KEY, bot.id);
    if (bot.id === this.current.botId) return;
    if (this.current.turns.length === 0) {
      this.current.botId = bot.id;
      this.current.botName = bot.name || undefined;
      this.changed.fire();
      return;
    }
    await this.newChat(bot);
  }

  /** "Continue in chat" from an answer panel: its question and answer become a conversation here. */
  async adopt(state: AnswerViewState): Promise<void> {
    await this.loaded;
    const bot = this.bots().find((b) => b.id === state.botId) ?? { id: state.botId, name: '' };
    const conversation = this.fresh(bot);
    conversation.title = titleFromQuestion(state.question, vscode.l10n.t('New chat'));
    if (state.conversationId) conversation.cozeConversationId = state.conversationId;
    const turn: StoredTurn = {
      id: newId(),
      question: state.question,
      answer: state.text,
      status: state.phase === 'done' ? 'done' : state.phase === 'failed' ? 'failed' : 'stopped',
      followUps: state.phase === 'done' ? state.followUps : [],
      botId: bot.id,
      botName: bot.name || undefined,
      startedAt: Date.now() - (state.elapsedMs ?? 0),
    };
    if (state.usage) turn.usage = state.usage;
    if (state.elapsedMs !== undefined) turn.elapsedMs = state.elapsedMs;
    if (state.reasoning) turn.reasoning = state.reasoning;
    if (state.reasoningMs !== undefined) turn.reasoningMs = state.reasoningMs;
    if (state.error) turn.error = { message: state.error.message, code: state.error.code, logId: state.error.logId, actions: [] };
    conversation.turns.push(turn);
    this.current = conversation;
    void this.deps.workspaceState.update(CURRENT_KEY, conversation.id);
    await this.saver.now(conversation);
    this.changed.fire();
  }

  /**
   * VS Code is shutting the extension down: answers still running are stopped and kept as interrupted, and
   * written synchronously (an asynchronous write may not finish before the process ends).
   */
  override dispose(): void {
    if (this.isDisposed) return;
    const running = this.runs.all();
    for (const run of running) {
      run.stopped = true;
      run.data.turn.status = 'interrupted';
      run.controller.abort();
    }
    this.saver.closeWith(running.map((run) => run.data.conversation));
    super.dispose();
  }
}

function newId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 20);
}
