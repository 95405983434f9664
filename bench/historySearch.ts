// Section 9: searching the chat history. A history at the store's bounds — 200 conversations, 50 MB (50 turns of a
// question and a ~5 KB Markdown answer each) — is written to a temporary folder in the store's format and loaded
// by ChatStore; then HistorySearcher (src/chat/historySearch.ts, what the history's search box and Coze: Search
// Chat History use) searches it for:
// - a phrase in 5 conversations spread through the history (the first one is the 21st most recent),
// - a Chinese phrase in 10 conversations,
// - a phrase in none (every file is read: the whole cost of a search),
// - a word in every answer (the search stops at its bound of hits).
// Timed: from the call to the first hits handed over, and to the end. Files are in the OS cache (written just
// before, and one unmeasured search first). "heap peak" is the V8 heap used above the level before the search,
// sampled every 2 ms. For contrast, "load all" reads and parses every conversation first, then searches.
//
// Run alone: `node out/bench/historySearch.js` after `npm run compile`.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONVERSATION_VERSION, type StoredConversation } from '../src/chat/chatModel';
import { ChatStore } from '../src/chat/chatStore';
import { HistorySearcher } from '../src/chat/historySearch';
import { searchMatcher } from '../src/chat/searchText';
import { longAnswer } from './chatRender';
import { ms, median, min, printTable, round } from './table';

const CONVERSATIONS = 200;
const TURNS = 50;
const ANSWER_BYTES = 4_550;
const ROUNDS = 5;

interface Query {
  label: string;
  query: string;
  /** Conversations (by recency, 0 = newest) that hold it; all: every one. */
  in: number[] | 'all';
}

const QUERIES: Query[] = [
  { label: 'phrase in 5 conversations', query: 'Quartz Lantern Protocol', in: [20, 60, 100, 140, 180] },
  { label: 'Chinese phrase in 10', query: '闭包的作用域', in: [15, 35, 55, 75, 95, 115, 135, 155, 175, 195] },
  { label: 'phrase in none (full scan)', query: 'xylophone marmalade', in: [] },
  { label: 'word in every answer (bound)', query: 'incremental', in: 'all' },
];

export interface SearchRow {
  label: string;
  query: string;
  firstMs: number[];
  totalMs: number[];
  hits: number;
  filesRead: number;
  status: string;
  heapPeakBytes: number;
  correct: boolean;
}

export interface HistorySearchResult {
  conversations: number;
  bytes: number;
  rows: SearchRow[];
  loadAll?: { totalMs: number[]; heapPeakBytes: number };
}

function conversation(index: number, now: number): StoredConversation {
  const answer = longAnswer(ANSWER_BYTES);
  const planted = QUERIES.filter((q) => q.in === 'all' || q.in.includes(index));
  const id = `bench${String(index).padStart(5, '0')}`;
  return {
    version: CONVERSATION_VERSION,
    id,
    title: `Conversation ${index + 1} about large inputs`,
    botId: '7445600453913968691',
    createdAt: now - index * 3_600_000 - 60_000,
    // Newest first by index: conversation 0 is the most recently updated.
    updatedAt: now - index * 3_600_000,
    turns: Array.from({ length: TURNS }, (_, t) => ({
      id: `${id}t${t}`,
      question: `Question ${t + 1} of conversation ${index + 1}: how should case ${t} be handled?`,
      // The planted phrases go into one answer in the middle of the conversation.
      answer: `${answer}${t === TURNS >> 1 ? `\n\n${planted.filter((q) => q.in !== 'all').map((q) => `Remember the ${q.query} here.`).join('\n')}` : ''}\n\nSee also ${t}.`,
      status: 'done' as const,
      followUps: [],
      botId: '7445600453913968691',
      startedAt: now - index * 3_600_000,
      elapsedMs: 2000,
    })),
    trimmedTurns: 0,
  };
}

async function buildHistory(dir: string): Promise<{ store: ChatStore; bytes: number }> {
  const conversations = path.join(dir, 'conversations');
  fs.mkdirSync(conversations, { recursive: true });
  const now = Date.now();
  let bytes = 0;
  for (let i = 0; i < CONVERSATIONS; i++) {
    const c = conversation(i, now);
    const json = JSON.stringify(c);
    bytes += Buffer.byteLength(json);
    await fsp.writeFile(path.join(conversations, `${c.id}.json`), json);
  }
  // The store's own bounds would drop conversations beyond 50 MB: allow a little more than was written.
  const store = new ChatStore(dir, { limits: { maxTotalBytes: bytes + 1_000_000, maxConversationBytes: 2_000_000 } });
  await store.load();
  return { store, bytes };
}

function heapSampler(): { stop(): number } {
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().heapUsed) - base;
    },
  };
}

const gc = (): void => (global as { gc?: () => void }).gc?.();

export async function runHistorySearchSection(): Promise<HistorySearchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-bench-history-'));
  try {
    const { store, bytes } = await buildHistory(dir);
    const searcher = new HistorySearcher(() => store.conversationFiles());
    const rows: SearchRow[] = [];
    for (const q of QUERIES) {
      const row: SearchRow = { label: q.label, query: q.query, firstMs: [], totalMs: [], hits: 0, filesRead: 0, status: '', heapPeakBytes: 0, correct: true };
      for (let round = 0; round <= ROUNDS; round++) {
        gc();
        const sampler = heapSampler();
        const found: string[] = [];
        let first = Number.NaN;
        const t0 = performance.now();
        const outcome = await searcher.search(q.query, (hits) => {
          if (Number.isNaN(first)) first = performance.now() - t0;
          found.push(...hits.map((h) => h.conversationId));
        });
        const total = performance.now() - t0;
        const heap = sampler.stop();
        if (round === 0) continue;
        row.firstMs.push(first);
        row.totalMs.push(total);
        row.heapPeakBytes = Math.max(row.heapPeakBytes, heap);
        Object.assign(row, { hits: outcome.hits, filesRead: outcome.filesRead, status: outcome.status });
        const expected = q.in === 'all' ? undefined : q.in.map((i) => `bench${String(i).padStart(5, '0')}`);
        if (expected && [...new Set(found)].join() !== expected.join()) row.correct = false;
        if (!expected && outcome.status !== 'limit') row.correct = false;
      }
      rows.push(row);
    }
    // Contrast: every conversation read and parsed first (what a search through ChatStore.read would do).
    const loadAll = { totalMs: [] as number[], heapPeakBytes: 0 };
    for (let round = 0; round <= 2; round++) {
      gc();
      const sampler = heapSampler();
      const t0 = performance.now();
      const all = await Promise.all(store.list().map((s) => store.read(s.id)));
      const matcher = searchMatcher('xylophone marmalade')!;
      all.forEach((c) => c?.turns.some((t) => matcher.find(t.question) ?? matcher.find(t.answer)));
      const total = performance.now() - t0;
      const heap = sampler.stop();
      if (round === 0) continue;
      loadAll.totalMs.push(total);
      loadAll.heapPeakBytes = Math.max(loadAll.heapPeakBytes, heap);
    }
    return { conversations: CONVERSATIONS, bytes, rows, loadAll };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

export function printHistorySearch(r: HistorySearchResult): void {
  const rows = r.rows.map((row) => [
    row.label,
    ms(median(row.firstMs)),
    ms(min(row.firstMs)),
    ms(median(row.totalMs)),
    ms(min(row.totalMs)),
    row.hits,
    `${row.filesRead}/${r.conversations}`,
    row.status,
    mib(row.heapPeakBytes),
    row.correct ? 'yes' : 'NO',
  ]);
  if (r.loadAll) rows.push(['(load all, then search)', '-', '-', ms(median(r.loadAll.totalMs)), ms(min(r.loadAll.totalMs)), '-', `${r.conversations}/${r.conversations}`, '-', mib(r.loadAll.heapPeakBytes), '-']);
  printTable(
    `9. History search: ${r.conversations} conversations, ${(r.bytes / 1e6).toFixed(1)} MB on disk (HistorySearcher, files in the OS cache)`,
    ['query', 'first hits med', 'min', 'total med', 'min', 'hits', 'files read', 'ended', 'heap peak', 'ok'],
    rows,
    [
      `${ROUNDS} rounds after 1 unmeasured. Goal: first hits ≤ 200 ms. Files are read one at a time (one read ahead); only hits are kept.`,
      'ok: the conversations found are exactly those holding the phrase, newest first (the bounded search: it stopped at its bound).',
    ],
  );
}

export function historySearchSummary(r: HistorySearchResult): unknown {
  return {
    conversations: r.conversations,
    bytes: r.bytes,
    rows: r.rows.map((row) => ({
      label: row.label,
      firstHitsMs: { median: round(median(row.firstMs)), min: round(min(row.firstMs)) },
      totalMs: { median: round(median(row.totalMs)), min: round(min(row.totalMs)) },
      hits: row.hits,
      filesRead: row.filesRead,
      status: row.status,
      heapPeakMiB: round(row.heapPeakBytes / 1048576),
      correct: row.correct,
    })),
    loadAll: r.loadAll && { totalMs: { median: round(median(r.loadAll.totalMs)) }, heapPeakMiB: round(r.loadAll.heapPeakBytes / 1048576) },
  };
}

if (require.main === module) {
  runHistorySearchSection().then(
    (r) => printHistorySearch(r),
    (e: unknown) => {
      console.error('history search bench failed:', e);
      process.exitCode = 1;
    },
  );
}
