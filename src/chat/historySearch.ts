import * as fsp from 'node:fs/promises';
import type { SearchHitView } from '../protocol';
import { parseConversation, type ConversationSummary, type StoredConversation } from './chatModel';
import { searchMatcher, snippetAt, type SearchMatcher, type Snippet } from './searchText';

// Searching every conversation of the chat history (questions, answers, titles), for the history's search box
// and Coze: Search Chat History. Plain Node (no vscode import), so that the unit tests and the bench run it.
//
// The history can hold 200 conversations and 50 MB (src/chat/chatStore.ts): a search reads the files one at a
// time, most recently updated first (the next file is read while the current one is searched), and keeps only
// its hits, so the extension host never holds the whole history. A file whose raw text cannot hold the query
// is not even parsed. Hits are handed over conversation by conversation as they are found, so the first ones
// show long before the last file is read; a new search (the user typed on) cancels the one before at once; the
// number of hits is bounded.

export interface ConversationFile {
  summary: ConversationSummary;
  file: string;
}

export interface SearchHit {
  conversationId: string;
  /** The conversation's title as the history shows it. */
  title: string;
  updatedAt: number;
  /** The turn that matched; absent when only the title did. */
  turnId?: string;
  /** Where the match is. */
  field: 'title' | 'question' | 'answer';
  snippet: Snippet;
}

export interface SearchOutcome {
  /** 'limit': the search stopped at maxHits; 'canceled': a newer search (or the caller) stopped it. */
  status: 'done' | 'limit' | 'canceled';
  hits: number;
  /** Files read (and searched). */
  filesRead: number;
}

export interface SearchLimits {
  maxHits: number;
  /** One long conversation must not fill the list: its newest matching turns are shown. */
  maxHitsPerConversation: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = { maxHits: 50, maxHitsPerConversation: 5 };

export class HistorySearcher {
  private running: AbortController | undefined;

  constructor(
    /** The conversations to search, most recently updated first (ChatStore.conversationFiles). */
    private readonly files: () => ConversationFile[] | Promise<ConversationFile[]>,
    private readonly limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
  ) {}

  /**
   * Searches for `query`, calling `onHits` with each conversation's hits as they are found; cancels the search
   * this searcher was running. An empty query only cancels.
   */
  async search(query: string, onHits: (hits: SearchHit[]) => void, signal?: AbortSignal): Promise<SearchOutcome> {
    this.cancel();
    const controller = new AbortController();
    this.running = controller;
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop);
    try {
      const matcher = searchMatcher(query);
      if (!matcher || signal?.aborted) return { status: signal?.aborted ? 'canceled' : 'done', hits: 0, filesRead: 0 };
      return await searchFiles(await this.files(), matcher, this.limits, onHits, controller.signal);
    } finally {
      signal?.removeEventListener('abort', stop);
      if (this.running === controller) this.running = undefined;
    }
  }

  /** Stops the search running, if any: it hands over nothing more. */
  cancel(): void {
    this.running?.abort();
    this.running = undefined;
  }
}

async function searchFiles(
  files: ConversationFile[],
  matcher: SearchMatcher,
  limits: SearchLimits,
  onHits: (hits: SearchHit[]) => void,
  signal: AbortSignal,
): Promise<SearchOutcome> {
  let total = 0;
  let filesRead = 0;
  // A file gone or unreadable reads as undefined and is skipped (never a rejection left unhandled on cancel).
  const read = (i: number): Promise<string | undefined> | undefined => files[i] && fsp.readFile(files[i].file, 'utf8').catch(() => undefined);
  let next = read(0);
  for (let i = 0; i < files.length; i++) {
    const text = await next;
    if (signal.aborted) return { status: 'canceled', hits: total, filesRead };
    // One file ahead at most: the disk works while this one is searched, and memory stays at two files.
    next = read(i + 1);
    filesRead++;
    if (text === undefined || !matcher.mayContain(text)) continue;
    const conversation = parse(text, files[i]!.summary.id);
    if (!conversation) continue;
    const room = Math.min(limits.maxHitsPerConversation, limits.maxHits - total);
    const hits = conversationHits(conversation, files[i]!.summary, matcher, room);
    if (!hits.length) continue;
    total += hits.length;
    onHits(hits);
    if (total >= limits.maxHits) {
      return { status: i === files.length - 1 ? 'done' : 'limit', hits: total, filesRead };
    }
  }
  return { status: 'done', hits: total, filesRead };
}

function parse(text: string, id: string): StoredConversation | undefined {
  try {
    const conversation = parseConversation(JSON.parse(text));
    return conversation?.id === id ? conversation : undefined;
  } catch {
    return undefined; // the store sets unreadable files aside when it loads; a search only skips them
  }
}

/**
 * The hits of one conversation, newest turn first, at most `room`: one per turn (in its question, else in its
 * answer), and the title when no turn matched (a renamed conversation).
 */
export function conversationHits(conversation: StoredConversation, summary: ConversationSummary, matcher: SearchMatcher, room: number): SearchHit[] {
  const hits: SearchHit[] = [];
  const base = { conversationId: conversation.id, title: summary.title || conversation.title, updatedAt: summary.updatedAt };
  for (let i = conversation.turns.length - 1; i >= 0 && hits.length < room; i--) {
    const turn = conversation.turns[i]!;
    const inQuestion = matcher.find(turn.question);
    const match = inQuestion ?? matcher.find(turn.answer);
    if (!match) continue;
    const field = inQuestion ? 'question' : 'answer';
    hits.push({ ...base, turnId: turn.id, field, snippet: snippetAt(field === 'question' ? turn.question : turn.answer, match) });
  }
  if (hits.length === 0 && room > 0) {
    const match = matcher.find(base.title);
    if (match) hits.push({ ...base, field: 'title', snippet: snippetAt(base.title, match) });
  }
  return hits;
}

/** A hit as the chat view receives it. */
export function searchHitView(hit: SearchHit): SearchHitView {
  const { snippet, ...rest } = hit;
  return { ...rest, ...snippet };
}
