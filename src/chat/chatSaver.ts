import type { Log } from '../log';
import type { StoredConversation } from './chatModel';
import type { ChatStore } from './chatStore';

// When the chat's conversations are written: at once when a turn starts or ends (and on rename, adopt, stop),
// at most every SAVE_INTERVAL_MS while an answer streams, and synchronously when VS Code shuts the extension
// down (an asynchronous write may not finish before the process ends). Empty conversations are never written.

/** While an answer streams, the conversation is saved at most this often (and always when it ends). */
export const SAVE_INTERVAL_MS = 2000;

export class ChatSaver {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(
    private readonly store: ChatStore,
    private readonly log: Log,
    /** Called on every write that happens now, before it (the chat remembers the open conversation). */
    private readonly onSave: (conversation: StoredConversation) => void,
  ) {}

  /** Writes now (and drops a pending timed write). */
  now(conversation: StoredConversation): Promise<void> {
    if (conversation.turns.length === 0 || this.closed) return Promise.resolve();
    this.cancel(conversation.id);
    this.onSave(conversation);
    return this.store.save(conversation).catch((err: unknown) => this.warn(err));
  }

  /** Writes within SAVE_INTERVAL_MS, once however often it is asked meanwhile. */
  soon(conversation: StoredConversation): void {
    if (conversation.turns.length === 0 || this.closed || this.timers.has(conversation.id)) return;
    this.timers.set(conversation.id, setTimeout(() => void this.now(conversation), SAVE_INTERVAL_MS));
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
        this.warn(err);
      }
    }
    this.closed = true;
    for (const id of [...this.timers.keys()]) this.cancel(id);
  }

  private warn(err: unknown): void {
    this.log.warn(`Chat history could not be saved: ${err instanceof Error ? err.message : String(err)}`);
  }
}
