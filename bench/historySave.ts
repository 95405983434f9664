// Section 8: what writing the chat history costs, and how often a streaming answer is written (docs/history.md).
// - One save (ChatStore.save: lock, check or re-read the file, merge, write a temp file, fsync, rename, index
//   when the summary changed) of a typical conversation (12 turns, ~40 KB) and of a 1 MB one (190 turns), in a
//   folder on the repository's disk (.test-work/, not a tmpfs): "same window" = the file is as this store last
//   wrote it (a streaming answer in one window: a stat instead of a read); "after another window" = two stores
//   take turns, so every save reads, parses and merges the other's version first. Median and p95 of N saves, wall
//   time (mostly waiting for fsync, on libuv's thread pool: the extension host goes on meanwhile) and CPU time.
// - Writes per answer: a 4 s answer of 200 deltas (one every 20 ms) streamed through the real ChatSaver into the
//   typical conversation, under the policy before this change (every 2 s, the first text not at once) and with
//   the first text at once then every 1000 / 500 / 250 ms. After each write the file is read back: "first text
//   on disk" is how many deltas the first write with text held (1 = written as it arrived), "most deltas behind"
//   the largest step between two consecutive writes (what a crash can lose, in deltas of 20 ms).

import fs from 'node:fs';
import path from 'node:path';
import type { StoredConversation, StoredTurn } from '../src/chat/chatModel';
import { ChatSaver, SAVE_INTERVAL_MS } from '../src/chat/chatSaver';
import { ChatStore } from '../src/chat/chatStore';
import type { Log } from '../src/log';
import { median } from './table';

export interface SaveCost {
  label: string;
  bytes: number;
  turns: number;
  saves: number;
  sameWindow: Timing;
  afterOther: Timing;
}

/** Wall time of one save (mostly waiting for fsync, which does not block the extension host) and the CPU it used. */
export interface Timing {
  medianMs: number;
  p95Ms: number;
  cpuMedianMs: number;
}

export interface SavePolicy {
  label: string;
  intervalMs: number;
  firstTextAtOnce: boolean;
  writes: number;
  firstTextDeltas: number;
  mostDeltasBehind: number;
  streamMs: number;
}

export interface HistorySaveResult {
  costs: SaveCost[];
  policies: SavePolicy[];
  chosenIntervalMs: number;
  deltaIntervalMs: number;
}

const DELTAS = 200;
const DELTA_MS = 20;
const DELTA = 'streamed text, 20';

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Log;

function answerText(n: number, bytes: number): string {
  const block = `Answer ${n}: here is how it works.\n\n\`\`\`ts\nexport function f${n}(x: number): number {\n  return x * ${n};\n}\n\`\`\`\n\n- a point about it\n- another one\n\n`;
  return block.repeat(Math.ceil(bytes / block.length)).slice(0, bytes);
}

function conversationOf(id: string, turns: number, answerBytes: number): StoredConversation {
  const list: StoredTurn[] = Array.from({ length: turns }, (_, i) => ({
    id: `${id}t${i}`,
    question: `Question ${i}: how do I make this function faster without changing what it returns? `.repeat(3),
    answer: answerText(i, answerBytes),
    status: 'done',
    followUps: ['And then?'],
    botId: '7445600453913968691',
    startedAt: 1_700_000_000_000 + i * 60_000,
    elapsedMs: 4200,
    usage: { tokenCount: 900, inputCount: 300, outputCount: 600 },
  }));
  return { version: 1, id, title: 'A conversation', botId: '7445600453913968691', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000, turns: list, trimmedTurns: 0 };
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
}

async function measureCost(dir: string, label: string, base: StoredConversation, saves: number): Promise<SaveCost> {
  fs.rmSync(dir, { recursive: true, force: true });
  const a = new ChatStore(dir);
  await a.load();
  const mine: StoredConversation = structuredClone(base);
  await a.save(mine);
  const bytes = fs.statSync(path.join(dir, 'conversations', `${base.id}.json`)).size;
  const growing: StoredTurn = { ...mine.turns.at(-1)!, id: `${base.id}live`, answer: '', status: 'streaming', startedAt: Date.now() };
  mine.turns.push(growing);
  const same: Sample[] = [];
  for (let i = 0; i < saves; i++) {
    growing.answer += DELTA.repeat(5);
    same.push(await timed(() => a.save(mine)));
  }
  // A second window with the same conversation open, answering a question of its own.
  const b = new ChatStore(dir);
  await b.load();
  const theirs = (await b.read(base.id))!;
  const other: StoredTurn = { ...growing, id: `${base.id}other`, answer: '', startedAt: Date.now() + 1 };
  theirs.turns.push(other);
  const after: Sample[] = [];
  for (let i = 0; i < saves; i++) {
    const [store, copy, turn] = i % 2 === 0 ? [b, theirs, other] : [a, mine, growing];
    turn.answer += DELTA.repeat(5);
    after.push(await timed(() => store.save(copy)));
  }
  return {
    label,
    bytes,
    turns: mine.turns.length,
    saves,
    sameWindow: timing(same),
    afterOther: timing(after),
  };
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

async function timed(op: () => Promise<unknown>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await op();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 };
}

function timing(samples: Sample[]): Timing {
  const wall = samples.map((s) => s.wallMs);
  return { medianMs: median(wall), p95Ms: p95(wall), cpuMedianMs: median(samples.map((s) => s.cpuMs)) };
}

async function measurePolicy(dir: string, label: string, intervalMs: number, firstTextAtOnce: boolean): Promise<SavePolicy> {
  fs.rmSync(dir, { recursive: true, force: true });
  const store = new ChatStore(dir);
  await store.load();
  const conversation = conversationOf('stream', 12, 3000);
  const turn: StoredTurn = { id: 'streaming', question: 'Explain this', answer: '', status: 'waiting', followUps: [], botId: '1', startedAt: Date.now() };
  conversation.turns.push(turn);
  const file = path.join(dir, 'conversations', 'stream.json');
  const savedLengths: number[] = [];
  let writes = 0;
  const save = store.save.bind(store);
  const seen = new Set<Promise<unknown>>();
  store.save = (c) => {
    const p = save(c);
    if (!seen.has(p)) {
      seen.add(p);
      writes++;
      void p.then(() => {
        const onDisk = (JSON.parse(fs.readFileSync(file, 'utf8')) as StoredConversation).turns.at(-1)!;
        savedLengths.push(onDisk.answer.length);
      });
    }
    return p;
  };
  const saver = new ChatSaver(store, quietLog, () => undefined, () => undefined, intervalMs);
  const started = performance.now();
  await saver.now(conversation); // the turn starts
  for (let i = 0; i < DELTAS; i++) {
    await new Promise((r) => setTimeout(r, DELTA_MS));
    turn.answer += DELTA;
    turn.status = 'streaming';
    saver.soon(conversation, firstTextAtOnce ? turn : undefined);
  }
  turn.status = 'done';
  await saver.now(conversation); // the turn ends
  await store.flush();
  const streamMs = performance.now() - started;
  const withText = savedLengths.filter((n) => n > 0);
  const steps = withText.map((n, i) => n - (i === 0 ? 0 : withText[i - 1]!));
  return {
    label,
    intervalMs,
    firstTextAtOnce,
    writes,
    firstTextDeltas: (withText[0] ?? 0) / DELTA.length,
    mostDeltasBehind: Math.max(0, ...steps) / DELTA.length,
    streamMs,
  };
}

export async function runHistorySaveSection(root: string): Promise<HistorySaveResult> {
  const work = path.join(root, '.test-work', 'bench-history');
  try {
    const costs = [
      await measureCost(path.join(work, 'typical'), 'typical (12 turns)', conversationOf('typical', 12, 3000), 40),
      await measureCost(path.join(work, 'large'), '1 MB (190 turns)', conversationOf('large', 190, 4700), 20),
    ];
    const policies = await Promise.all([
      measurePolicy(path.join(work, 'p2000'), 'before: every 2 s', 2000, false),
      measurePolicy(path.join(work, 'p1000'), 'first text at once, then every 1 s', 1000, true),
      measurePolicy(path.join(work, 'p500'), 'first text at once, then every 500 ms', 500, true),
      measurePolicy(path.join(work, 'p250'), 'first text at once, then every 250 ms', 250, true),
    ]);
    return { costs, policies, chosenIntervalMs: SAVE_INTERVAL_MS, deltaIntervalMs: DELTA_MS };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
