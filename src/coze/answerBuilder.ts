// Collects a chat's answer messages and follow-ups, from stream events or from the message list.
//
// Coze traps (docs/coze-api.md#messages and #pick-by-type-not-by-position):
// - a chat can have several `answer` messages (workflow bots), and their deltas can interleave: messages are
//   kept by id, in order of first appearance;
// - messages are picked by `type`, never by position ("take the last message" shows the verbose JSON);
// - only text answers are the answer: `reasoning_content`, verbose packets, tool calls, cards are not.
//
// The stream reports the text so far on every delta, so `text` must be cheap: strings are built with `+`
// (V8 keeps them as ropes, no copying), appends to the last message extend the cached text in O(1), and any
// other change rebuilds it from the k messages in O(k), not from the characters.

export interface WireMessage {
  id?: unknown;
  type?: unknown;
  content?: unknown;
  content_type?: unknown;
  created_at?: unknown;
}

interface Entry {
  text: string;
}

export class AnswerBuilder {
  private readonly byId = new Map<string, Entry>();
  private readonly order: Entry[] = [];
  private cached: string | undefined = '';
  readonly followUps: string[] = [];

  /** Appends a delta fragment to its message. Returns false when the message is not a text answer. */
  delta(m: WireMessage): boolean {
    if (!isTextAnswer(m)) return false;
    const fragment = typeof m.content === 'string' ? m.content : '';
    const entry = this.entry(m.id);
    if (fragment === '') return true;
    const wasLastNonEmpty = this.cached !== undefined && entry.text !== '' && this.isLast(entry);
    entry.text += fragment;
    if (wasLastNonEmpty) this.cached += fragment;
    else this.cached = undefined;
    return true;
  }

  /** A completed message: the full content of an answer, or a follow-up. Other types are ignored. */
  completed(m: WireMessage): boolean {
    if (m.type === 'follow_up') {
      if (typeof m.content === 'string' && m.content.trim() !== '') this.followUps.push(m.content);
      return false;
    }
    if (!isTextAnswer(m)) return false;
    const full = typeof m.content === 'string' ? m.content : '';
    const entry = this.entry(m.id);
    // An empty "completed" after deltas would erase the answer; keep what the deltas built.
    if (full !== '' || entry.text === '') {
      if (entry.text !== full) this.cached = undefined;
      entry.text = full;
    }
    return true;
  }

  /** Answers joined by a blank line (empty answers left out). */
  get text(): string {
    if (this.cached === undefined) {
      let s = '';
      for (const e of this.order) if (e.text !== '') s = s === '' ? e.text : s + '\n\n' + e.text;
      this.cached = s;
    }
    return this.cached;
  }

  get answers(): string[] {
    return this.order.map((e) => e.text).filter((t) => t !== '');
  }

  private entry(id: unknown): Entry {
    const key = typeof id === 'string' ? id : '';
    let e = this.byId.get(key);
    if (!e) {
      e = { text: '' };
      this.byId.set(key, e);
      this.order.push(e);
    }
    return e;
  }

  private isLast(entry: Entry): boolean {
    for (let i = this.order.length - 1; i >= 0; i--) {
      const e = this.order[i]!;
      if (e === entry) return true;
      if (e.text !== '') return false;
    }
    return false;
  }
}

/** `answer` with text content. A missing content_type is taken as text (deltas don't always repeat it). */
function isTextAnswer(m: WireMessage): boolean {
  return m.type === 'answer' && (m.content_type === undefined || m.content_type === 'text');
}

/**
 * Builds the answer from GET /v3/chat/message/list. The list order is not meaningful (the docs' own example puts
 * `verbose` first), so messages are sorted by created_at, keeping list order for ties. A created_at of 0 (or none)
 * is unset, as Coze Studio writes it (docs/coze-api.md#the-chat-object): then no time can be trusted and the list
 * order is kept.
 */
export function addMessages(b: AnswerBuilder, messages: unknown[]): void {
  const items = messages
    .filter((m): m is WireMessage => typeof m === 'object' && m !== null)
    .map((m, i) => ({ m, i, t: typeof m.created_at === 'number' && m.created_at > 0 ? m.created_at : undefined }));
  const sorted = items.every((x) => x.t !== undefined) ? items.sort((a, z) => a.t! - z.t! || a.i - z.i) : items;
  for (const { m } of sorted) b.completed(m);
}
