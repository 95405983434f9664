import type { ChatTurnStatus, ChatTurnView } from '../../src/protocol';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { waitFor } from './fakeControl';

// Shared by the in-host suites that ask in the sidebar chat: drives it through the testing API exactly as its
// webview drives it (every message goes through the same validation), so that each suite waits for the same
// states in the same way instead of keeping its own copy of these steps.

/** A turn in one of these statuses gets nothing more: its answer has ended. */
const FINAL: readonly ChatTurnStatus[] = ['done', 'stopped', 'failed', 'interrupted'];

/**
 * Sends a question as the chat's webview does and resolves with its turn once the answer has ended, in the
 * conversation it was asked in (a turn of another conversation opened meanwhile is not it), and the chat is idle
 * again, so that the next message of the test never finds it still answering. `attachmentIds`: the composer's
 * chips sent with it, as its Send button sends them.
 */
export async function askInChat(api: AskCozeTestingApi, text: string, attachmentIds?: string[]): Promise<ChatTurnView> {
  const before = api.chat.state().turns.length;
  const conversation = api.chat.state().conversationId;
  api.chat.send(attachmentIds ? { type: 'send', text, attachmentIds } : { type: 'send', text });
  const turn = await waitFor(`the answer to "${text.slice(0, 40)}"`, () => {
    const s = api.chat.state();
    const t = s.turns.at(-1);
    return s.conversationId === conversation && s.turns.length > before && t && FINAL.includes(t.status) ? t : undefined;
  }, 30_000);
  await api.chat.whenIdle();
  return turn;
}

/** New Chat, as the view's button sends it, once the chat has finished answering; resolves when it is empty. */
export async function newChat(api: AskCozeTestingApi): Promise<void> {
  await api.chat.whenIdle();
  api.chat.send({ type: 'newChat' });
  await waitFor('a new chat', () => api.chat.state().turns.length === 0 || undefined);
}
