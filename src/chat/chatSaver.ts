import type { Log } from '../log';
import type { StoredConversation, StoredTurn } from './chatModel';
import { ConversationDeletedError, type ChatStore } from './chatStore';

// When the chat's conversations are written: at once when a turn starts or ends (and on rename, adopt, stop),
// at once when an answer's first text arrives, then at most every SAVE_INTERVAL_MS while it streams, and
// synchronously when VS Code shuts the extension down (an asynchronous write may not finish before the process
// ends). Empty conversations are never written. A crash (a killed extension host) therefore loses at most the
// last SAVE_INTERVAL_MS of an answer, and never text that arrived alone (the first words of a slow answer).

/**
 * While an answer streams, the conversation is saved at most this often (and always when it ends). Chosen from
 * `npm run bench` (section 8, docs/history.md): a save of a 1 MB conversation costs a few milliseconds, so two
 * writes a second keep a streaming answer about half a second behind for well under 5% of a core.
 */
export const SAVE_INTERVAL_MS = 500;

export class ChatSaver {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Turns whose first text has been written, with the startedAt of that attempt (a retry starts again). */
  private readonly textSaved = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly store: ChatStore,
    private readonly log: Log,
    /** Called on every write that happens now, before it (the chat remembers the open conversation). */
    private readonly onSave: (conversation: StoredConversation) => void,
    /** A write merged in turns or fields another window had saved: the copy in memory has them now. */
    private readonly onMerged: (conversation: StoredConversation) => void = () => undefined,
    /** The bench compares intervals (bench/historySave.ts); the chat uses SAVE_INTERVAL_MS. */
    private readonly intervalMs = SAVE_INTERVAL_MS,
  ) {}

  /** Writes now (and drops a pending timed write). */
  now(conversation: StoredConversation): Promise<void> {
    if (conversation.turns.length === 0 || this.closed) return Promise.resolve();
    this.cancel(conversation.id);
    this.onSave(conversation);
    return this.store.save(conversation).then(
      (outcome) => {
        if (outcome.gained) this.onMerged(conversation);
      },
      (err: unknown) => {
        // Deleted in another window: the store has told its owner (src/chat/historyNotices.ts).
        if (!(err instanceof ConversationDeletedError)) this.warn(err);
      },
    );
  }

  /**
   * Writes within SAVE_INTERVAL_MS, once however often it is asked meanwhile; at once when `turn` (the turn
   * being answered) has its first text.
   */
  soon(conversation: StoredConversation, turn?: StoredTurn): void {
    if (conversation.turns.length === 0 || this.closed) return;
    if (turn?.answer && this.textSaved.get(turn.id) !== turn.startedAt) {
      this.textSaved.set(turn.id, turn.startedAt);
      void this.now(conversation);
      return;
    }
    if (this.timers.has(conversation.id)) return;
    this.timers.set(conversation.id, setTimeout(() => void this.now(conversation), this.intervalMs));
  }

  cancel(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  /** The last write, synchronous, at shutdown; nothing is written after it. */
  closeWith(conversations: readonly StoredConversation[]): void {
    if (this.closed) return;
    for (const conversation of conversations) {
      try {
        this.store.saveSync(conversation);
      } catch (err) {
        if (!(err instanceof ConversationDeletedError)) this.warn(err);
      }
    }
    this.closed = true;
    for (const id of [...this.timers.keys()]) this.cancel(id);
  }

  private warn(err: unknown): void {
    this.log.warn(`Chat history could not be saved: ${err instanceof Error ? err.message : String(err)}`);
  }
}
