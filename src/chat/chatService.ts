import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { checkReadyToAsk, confirmQuestion, reportAdjustments, runFixAction, statusLabel } from '../askFlow';
import type { AskProgress, CozeError } from '../coze';
import { loadCoze } from '../cozeLoader';
import type { ClientProvider } from '../clientProvider';
import { actionLabel, describeCozeError, type FixAction } from '../errorMessages';
import type { KeyStore } from '../keyStore';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import type { AnswerViewState, ChatFixAction, ChatTurnView, ChatViewState } from '../protocol';
import { MAX_CHAT_TITLE } from '../protocol';
import { readSettings, type AskCozeSettings } from '../settings';
import { readBots, type ChatBot } from './chatBots';
import { CONVERSATION_VERSION, titleFromQuestion, type StoredConversation, type StoredTurn } from './chatModel';
import type { ChatStore } from './chatStore';

// The chat's state and its questions: which conversation is open, the turn being answered, stop and retry,
// history operations, and saving. The extension is the source of truth: the view only renders what this
// holds (and can be disposed and rebuilt at any time), and everything is saved through the ChatStore.
//
// Multi-turn: a conversation keeps Coze's conversation_id; every question after the first passes it, so the
// bot remembers. Stop aborts the question (the client closes the stream and cancels the chat on Coze) and
// marks the turn stopped at once, keeping its text; a new question in that conversation waits until the
// cancel has gone out, or Coze would answer 4016 (conversation busy).

/** While an answer streams, the conversation is saved at most this often (and always when it ends). */
const SAVE_INTERVAL_MS = 2000;
const CURRENT_KEY = 'askCoze.chat.current';
const BOT_KEY = 'askCoze.chat.bot';
const CHAT_ACTIONS: readonly ChatFixAction[] = ['setKey', 'switchRegion', 'openSettings', 'openProxySettings', 'openLog'];

interface Run {
  conversation: StoredConversation;
  turn: StoredTurn;
  controller: AbortController;
  /** Settles when the question has ended on Coze's side too (its cancel sent). */
  settled: Promise<void>;
  stopped: boolean;
}

export interface ChatProgressEvent {
  conversationId: string;
  turn: StoredTurn;
}

export interface ChatServiceDeps {
  keys: KeyStore;
  clients: ClientProvider;
  notifier: Notifier;
  log: Log;
  userId: string;
  store: ChatStore;
  /** Remembers the open conversation (per workspace, so two windows do not fight over one). */
  workspaceState: vscode.Memento;
  /** Remembers the bot last chosen for new chats. */
  globalState: vscode.Memento;
}

export class ChatService implements vscode.Disposable {
  private current: StoredConversation;
  /** Conversations with a question running, by id (they may not be the open one). */
  private readonly runs = new Map<string, Run>();
  private readonly saveTimers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Structural changes: turns added or ended, another conversation opened, history, bots. */
  readonly onDidChange = this.changed.event;
  private readonly progressed = new vscode.EventEmitter<ChatProgressEvent>();
  /** Text or status of a running turn changed. */
  readonly onDidProgress = this.progressed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private loaded: Promise<void>;
  private disposed = false;

  constructor(private readonly deps: ChatServiceDeps) {
    this.current = this.fresh();
    this.loaded = this.restore();
    this.disposables.push(
      this.changed,
      this.progressed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('askCoze.bots') || e.affectsConfiguration('askCoze.botId')) this.changed.fire();
      }),
    );
  }

  /** Resolves once the history is loaded and the conversation open at the last session is back. */
  whenLoaded(): Promise<void> {
    return this.loaded;
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
    this.changed.fire();
  }

  bots(): ChatBot[] {
    return readBots(readSettings().botId);
  }

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
    const run = this.runs.get(c.id);
    const settings = readSettings();
    const bots = readBots(settings.botId);
    if (!bots.some((b) => b.id === c.botId)) bots.push({ id: c.botId, name: c.botName ?? c.botId });
    return {
      conversationId: c.id,
      title: c.title,
      botId: c.botId,
      turns: c.turns.map((t) => this.turnView(t, settings)),
      busy: !!run && !run.stopped,
      bots,
      history: this.deps.store.list().map((s) => ({ ...s, botName: s.botName ?? undefined })),
      trimmedTurns: c.trimmedTurns,
    };
  }

  turnView(t: StoredTurn, settings?: AskCozeSettings): ChatTurnView {
    const view: ChatTurnView = {
      id: t.id,
      question: t.question,
      answer: t.answer,
      status: t.status,
      followUps: t.followUps,
      botId: t.botId,
    };
    if (t.botName) view.botName = t.botName;
    if (t.usage) view.usage = t.usage;
    if (t.elapsedMs !== undefined) view.elapsedMs = t.elapsedMs;
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

  isRunning(conversationId: string): boolean {
    return this.runs.has(conversationId);
  }

  /** Some answer is still running (or its cancel is still going out), in any conversation. */
  isBusy(): boolean {
    return this.runs.size > 0;
  }

  // ---- asking --------------------------------------------------------------------------------------------

  /** Asks `text` in the open conversation. Resolves when the answer has ended (done, stopped or failed). */
  async send(text: string): Promise<void> {
    await this.loaded;
    const conversation = this.current;
    const previous = this.runs.get(conversation.id);
    if (previous && !previous.stopped) return; // one answer at a time; the view shows Stop meanwhile
    const question = await confirmQuestion(text, this.deps.notifier);
    if (!question) return;
    if (this.runs.get(conversation.id)?.stopped === false) return;
    const turn = this.newTurn(question, conversation);
    conversation.turns.push(turn);
    if (!conversation.titleEdited && conversation.turns.length + conversation.trimmedTurns === 1) {
      conversation.title = titleFromQuestion(question, vscode.l10n.t('New chat'));
    }
    conversation.updatedAt = Date.now();
    await this.run(conversation, turn, previous);
  }

  /** Asks a failed, stopped or interrupted turn again: in place when it is the last, else as a new turn. */
  async retry(turnId: string): Promise<void> {
    await this.loaded;
    const conversation = this.current;
    const index = conversation.turns.findIndex((t) => t.id === turnId);
    const turn = conversation.turns[index];
    if (!turn || turn.status === 'done' || turn.status === 'waiting' || turn.status === 'streaming') return;
    const previous = this.runs.get(conversation.id);
    if (previous && !previous.stopped) return;
    if (index !== conversation.turns.length - 1) return this.send(turn.question);
    const bot = this.botFor(conversation);
    Object.assign(turn, { answer: '', status: 'waiting', followUps: [], startedAt: Date.now(), botId: bot.id, botName: bot.name || undefined });
    delete turn.error;
    delete turn.usage;
    delete turn.elapsedMs;
    delete turn.chatId;
    conversation.updatedAt = Date.now();
    await this.run(conversation, turn, previous);
  }

  /** Stops the answer of the open conversation: at once in the view, and on Coze through the client. */
  stop(): void {
    const run = this.runs.get(this.current.id);
    if (!run || run.stopped) return;
    run.stopped = true;
    run.turn.status = 'stopped';
    run.turn.elapsedMs = Date.now() - run.turn.startedAt;
    this.statusTexts.delete(run.turn.id);
    run.controller.abort();
    this.deps.log.info('Chat: answer stopped.');
    this.save(run.conversation, true);
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

  private async run(conversation: StoredConversation, turn: StoredTurn, previous: Run | undefined): Promise<void> {
    const controller = new AbortController();
    let settle: () => void = () => undefined;
    const run: Run = { conversation, turn, controller, stopped: false, settled: new Promise<void>((r) => (settle = r)) };
    this.runs.set(conversation.id, run);
    this.statusTexts.set(turn.id, vscode.l10n.t('Waiting for Coze…'));
    this.save(conversation, true);
    this.changed.fire();
    let settings: AskCozeSettings | undefined;
    try {
      // The stopped question before this one must have been canceled on Coze first (else 4016).
      if (previous) await previous.settled;
      if (run.stopped) return;
      const ready = await checkReadyToAsk(this.deps.keys, this.deps.log);
      reportAdjustments(ready.settings, this.deps.notifier, this.deps.log);
      settings = ready.settings;
      if (!ready.ok) {
        this.failTurn(turn, ready.problem.message, ready.problem.actions);
        return;
      }
      const mode = ready.settings.responseMode;
      // The chat's bot, not necessarily askCoze.botId (the ClientProvider keys its clients by it).
      const chatSettings: AskCozeSettings = { ...ready.settings, botId: conversation.botId };
      this.deps.log.info(`Chat: asking bot ${conversation.botId} (${mode}, ${turn.question.length} chars, ${conversation.cozeConversationId ? 'continuing' : 'new'} conversation)`);
      const onProgress = (p: AskProgress) => {
        if (run.stopped) return;
        if (p.conversationId) conversation.cozeConversationId = p.conversationId;
        turn.answer = p.text;
        turn.status = p.text ? 'streaming' : 'waiting';
        if (p.text) this.statusTexts.delete(turn.id);
        else this.statusTexts.set(turn.id, vscode.l10n.t('{0} · {1} s', statusLabel(p.status), Math.round(p.elapsedMs / 1000)));
        this.save(conversation, false);
        this.progressed.fire({ conversationId: conversation.id, turn });
      };
      const answer = await this.deps.clients.use(chatSettings, ready.token, this.deps.userId, (client) =>
        client.ask(turn.question, { mode, botId: conversation.botId, conversationId: conversation.cozeConversationId, signal: controller.signal, onProgress }),
      );
      conversation.cozeConversationId = answer.conversationId;
      turn.chatId = answer.chatId;
      if (run.stopped) return; // stopped just as it completed: keep it as the user saw it
      turn.answer = answer.text;
      turn.status = 'done';
      turn.followUps = answer.followUps;
      if (answer.usage) turn.usage = answer.usage;
      turn.elapsedMs = Date.now() - turn.startedAt;
      this.deps.log.info(`Chat: answered in ${turn.elapsedMs} ms (${answer.text.length} chars, ${answer.followUps.length} follow-ups, chat ${answer.chatId})`);
    } catch (err) {
      this.handleFailure(run, err, settings);
    } finally {
      this.statusTexts.delete(turn.id);
      // A new question may already run here (sent after Stop): leave its entry alone.
      if (this.runs.get(conversation.id) === run) this.runs.delete(conversation.id);
      conversation.updatedAt = Date.now();
      settle();
      if (!this.disposed) {
        this.save(conversation, true);
        this.changed.fire();
      }
    }
  }

  private handleFailure(run: Run, err: unknown, settings: AskCozeSettings | undefined): void {
    const { turn, conversation } = run;
    const { isCozeError } = loadCoze();
    if (!isCozeError(err)) {
      this.deps.log.error(`Chat: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      this.failTurn(turn, vscode.l10n.t('Ask Coze failed unexpectedly. See the log for details.'), ['openLog']);
      return;
    }
    const error = err as CozeError;
    if (error.conversationId) conversation.cozeConversationId = error.conversationId;
    if (error.chatId) turn.chatId = error.chatId;
    if (error.partialText.length > turn.answer.length) turn.answer = error.partialText;
    if (error.kind === 'canceled' || run.stopped) {
      turn.status = 'stopped';
      turn.elapsedMs ??= Date.now() - turn.startedAt;
      return;
    }
    this.deps.log.error(`Chat: question failed: ${error.message}`);
    const described = describeCozeError(error, settings ?? readSettings());
    let message = described.message;
    if (error.code === 4002 && conversation.cozeConversationId) {
      // Coze no longer knows the conversation (deleted or expired there): without this, every later question
      // in this chat would fail the same way. The next one starts a new Coze conversation.
      delete conversation.cozeConversationId;
      message = `${message} ${vscode.l10n.t('Coze no longer knows this conversation: the next question starts a new one, without the earlier context.')}`;
    }
    this.failTurn(turn, message, described.actions, error.code, error.logId);
  }

  private failTurn(turn: StoredTurn, message: string, actions: FixAction[], code?: number, logId?: string): void {
    turn.status = 'failed';
    turn.elapsedMs = Date.now() - turn.startedAt;
    turn.error = { message, actions: actions.filter((a): a is ChatFixAction => CHAT_ACTIONS.includes(a as ChatFixAction)) };
    if (code !== undefined) turn.error.code = code;
    if (logId) turn.error.logId = logId;
  }

  /** A fix picked under the last failed turn of the open conversation; the turn is asked again when it may help. */
  async fixAction(action: ChatFixAction): Promise<void> {
    const turn = [...this.current.turns].reverse().find((t) => t.status === 'failed');
    await runFixAction(action, readSettings(), this.deps, () => {
      if (turn) void this.retry(turn.id);
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
    if (id === this.current.id) return true;
    const conversation = this.runs.get(id)?.conversation ?? (await this.deps.store.read(id));
    if (!conversation) {
      this.changed.fire(); // the history shown was stale
      return false;
    }
    this.current = conversation;
    void this.deps.workspaceState.update(CURRENT_KEY, id);
    this.changed.fire();
    return true;
  }

  async rename(id: string, title: string): Promise<void> {
    await this.loaded;
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, MAX_CHAT_TITLE);
    if (!clean) return;
    const conversation = this.current.id === id ? this.current : (this.runs.get(id)?.conversation ?? (await this.deps.store.read(id)));
    if (!conversation) return;
    conversation.title = clean;
    conversation.titleEdited = true;
    if (conversation.turns.length > 0) await this.save(conversation, true);
    this.changed.fire();
  }

  async delete(id: string): Promise<void> {
    await this.loaded;
    const run = this.runs.get(id);
    if (run && !run.stopped) {
      run.stopped = true;
      run.controller.abort();
    }
    this.cancelSave(id);
    await this.deps.store.delete(id);
    if (this.current.id === id) {
      this.current = this.fresh();
      void this.deps.workspaceState.update(CURRENT_KEY, undefined);
    }
    this.changed.fire();
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
    if (state.error) turn.error = { message: state.error.message, code: state.error.code, logId: state.error.logId, actions: [] };
    conversation.turns.push(turn);
    this.current = conversation;
    void this.deps.workspaceState.update(CURRENT_KEY, conversation.id);
    await this.save(conversation, true);
    this.changed.fire();
  }

  // ---- saving --------------------------------------------------------------------------------------------

  /** Saves now, or (while streaming) at most every SAVE_INTERVAL_MS. Empty conversations are not saved. */
  private save(conversation: StoredConversation, now: boolean): Promise<void> {
    if (conversation.turns.length === 0 || this.disposed) return Promise.resolve();
    if (!now) {
      if (!this.saveTimers.has(conversation.id)) {
        this.saveTimers.set(conversation.id, setTimeout(() => void this.save(conversation, true), SAVE_INTERVAL_MS));
      }
      return Promise.resolve();
    }
    this.cancelSave(conversation.id);
    if (conversation === this.current) void this.deps.workspaceState.update(CURRENT_KEY, conversation.id);
    return this.deps.store.save(conversation).catch((err: unknown) => {
      this.deps.log.warn(`Chat history could not be saved: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private cancelSave(id: string): void {
    const timer = this.saveTimers.get(id);
    if (timer) clearTimeout(timer);
    this.saveTimers.delete(id);
  }

  /**
   * VS Code is shutting the extension down: answers still running are stopped and kept as interrupted, and
   * written synchronously (an asynchronous write may not finish before the process ends).
   */
  dispose(): void {
    if (this.disposed) return;
    for (const run of this.runs.values()) {
      run.stopped = true;
      run.turn.status = 'interrupted';
      run.controller.abort();
      try {
        this.deps.store.saveSync(run.conversation);
      } catch (err) {
        this.deps.log.warn(`Chat history could not be saved: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.disposed = true;
    for (const id of [...this.saveTimers.keys()]) this.cancelSave(id);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function newId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 20);
}
