// Collects a chat's answer messages and follow-ups, from stream events or from the message list.
//
// Coze traps (docs/coze-api.md#messages and #pick-by-type-not-by-position):
// - a chat can have several `answer` messages (workflow bots), and their deltas can interleave: messages are
//   kept by id, in order of first appearance;
// - messages are picked by `type`, never by position ("take the last message" shows the verbose JSON);
// - only text answers are the answer: `reasoning_content`, verbose packets, tool calls, cards are not. A
//   deep-thinking model's `reasoning_content` (docs/coze-api.md#reasoning) is kept apart, as `reasoning`.
//
// The stream reports the text so far on every delta, so `text` must be cheap: strings are built with `+`
// (V8 keeps them as ropes, no copying), appends to the last message extend the cached text in O(1), and any
// other change rebuilds it from the k messages in O(k), not from the characters. `reasoning` is kept the same
// way, with its own cache.

export interface WireMessage {
  id?: unknown;
  type?: unknown;
  content?: unknown;
  content_type?: unknown;
  created_at?: unknown;
  reasoning_content?: unknown;
}

interface Entry {
  text: string;
  reasoning: string;
}

type Part = 'text' | 'reasoning';

export class AnswerBuilder {
  private readonly byId = new Map<string, Entry>();
  private readonly order: Entry[] = [];
  private readonly cached: Record<Part, string | undefined> = { text: '', reasoning: '' };
  readonly followUps: string[] = [];

  /**
   * Appends a delta's fragments (content, reasoning_content) to its message. Returns false when the message is
   * not a text answer; true for one, even when both fragments are empty (a reasoning-only delta is progress too).
   */
  delta(m: WireMessage): boolean {
    if (!isTextAnswer(m)) return false;
    const entry = this.entry(m.id);
    if (typeof m.reasoning_content === 'string') this.append(entry, 'reasoning', m.reasoning_content);
    if (typeof m.content === 'string') this.append(entry, 'text', m.content);
    return true;
  }

  /** A completed message: the full content of an answer, or a follow-up. Other types are ignored. */
  completed(m: WireMessage): boolean {
    if (m.type === 'follow_up') {
      if (typeof m.content === 'string' && m.content.trim() !== '') this.followUps.push(m.content);
      return false;
    }
    if (!isTextAnswer(m)) return false;
    const entry = this.entry(m.id);
    this.replace(entry, 'text', typeof m.content === 'string' ? m.content : '');
    this.replace(entry, 'reasoning', typeof m.reasoning_content === 'string' ? m.reasoning_content : '');
    return true;
  }

  /** Answers joined by a blank line (empty answers left out). */
  get text(): string {
    return this.joined('text');
  }

  /** The reasoning of the answers, joined by a blank line; '' when the model gave none. Never part of `text`. */
  get reasoning(): string {
    return this.joined('reasoning');
  }

  get answers(): string[] {
    return this.order.map((e) => e.text).filter((t) => t !== '');
  }

  private append(entry: Entry, part: Part, fragment: string): void {
    if (fragment === '') return;
    const wasLastNonEmpty = this.cached[part] !== undefined && entry[part] !== '' && this.isLast(entry, part);
    entry[part] += fragment;
    if (wasLastNonEmpty) this.cached[part] += fragment;
    else this.cached[part] = undefined;
  }

  /** A completed message's full content. An empty one after deltas would erase them: keep what the deltas built. */
  private replace(entry: Entry, part: Part, full: string): void {
    if (full === '' && entry[part] !== '') return;
    if (entry[part] !== full) this.cached[part] = undefined;
    entry[part] = full;
  }

  private joined(part: Part): string {
    let s = this.cached[part];
    if (s === undefined) {
      s = '';
      for (const e of this.order) if (e[part] !== '') s = s === '' ? e[part] : s + '\n\n' + e[part];
      this.cached[part] = s;
    }
    return s;
  }

  private entry(id: unknown): Entry {
    const key = typeof id === 'string' ? id : '';
    let e = this.byId.get(key);
    if (!e) {
      e = { text: '', reasoning: '' };
      this.byId.set(key, e);
      this.order.push(e);
    }
    return e;
  }

  /** The entry is the last one whose `part` is not empty (an append to it extends the joined string). */
  private isLast(entry: Entry, part: Part): boolean {
    for (let i = this.order.length - 1; i >= 0; i--) {
      const e = this.order[i]!;
      if (e === entry) return true;
      if (e[part] !== '') return false;
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
