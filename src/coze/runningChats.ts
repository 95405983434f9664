// The chats of one client that may still run, one per conversation (Coze allows no more): what busy.ts consults
// before starting a chat. A module of its own so that chatState.ts (FlowContext carries the registry) and busy.ts
// (which builds on chatState.ts) can both use it without importing each other.

import type { CozeError } from './errors';

export interface RunningChat {
  conversationId: string;
  chatId: string;
  /** Present while a question of this client runs the chat. */
  question?: { done: Promise<void>; stop: (reason: CozeError) => void };
}

export class RunningChats {
  private readonly byConversation = new Map<string, RunningChat>();

  get(conversationId: string): RunningChat | undefined {
    return this.byConversation.get(conversationId);
  }

  set(chat: RunningChat): void {
    this.byConversation.set(chat.conversationId, chat);
  }

  /** Forgets the chat, if it is still the one recorded for its conversation. */
  delete(conversationId: string, chatId: string): void {
    if (this.byConversation.get(conversationId)?.chatId === chatId) this.byConversation.delete(conversationId);
  }

  get size(): number {
    return this.byConversation.size;
  }
}
