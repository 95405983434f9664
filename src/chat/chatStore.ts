import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as v from 'valibot';
import { isLocalId } from '../ids';
import { LocalIdSchema, optionalField } from '../protocol';
import { parseConversation, summarize, type ConversationSummary, type StoredConversation } from './chatModel';

// The chat history on disk, in the extension's global storage folder: one JSON file per conversation and an
// index of their summaries. Plain Node (no vscode import), unit-tested.
//
// - Every file is written atomically: a temporary file in the same folder, flushed to disk, then renamed over
//   the old one. A crash mid-write leaves the previous version intact and a stray *.tmp, which load() removes.
//   Each conversation has its own file, so a crash while one answer is saved cannot touch the others.
// - The index is only a cache: an entry is trusted while the file's size and mtime match it; anything else is
//   read again (or dropped when the file is gone). A file that cannot be parsed is set aside as *.corrupt
//   (kept for inspection, overwritten by the next corruption of the same conversation) and reported.
// - Bounded: at most `maxConversations` conversations and `maxTotalBytes` on disk (the least recently updated
//   go first), and at most `maxConversationBytes` per conversation (its oldest turns are dropped from the
//   saved copy, then, if one turn alone is too big, its answer is cut).
// - Operations run one at a time, in order (a queue), so a save and a delete of the same file never interleave.

export interface ChatLimits {
  maxConversations: number;
  maxConversationBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  maxConversations: 200,
  maxConversationBytes: 1_000_000,
  maxTotalBytes: 50_000_000,
};

const INDEX_VERSION = 1;

/** One conversation in index.json: its summary, and the file's size and mtime when the summary was taken. */
const IndexEntrySchema = v.pipe(
  v.object({
    summary: v.object({
      id: LocalIdSchema,
      title: v.string(),
      updatedAt: v.number(),
      botId: v.string(),
      botName: optionalField(v.string()),
      turns: v.number(),
    }),
    size: v.number(),
    mtimeMs: v.number(),
  }),
  v.transform(({ summary: s, size, mtimeMs }) => {
    // The same shape summarize() gives, so that an entry from the index and one rebuilt from its file compare equal.
    const summary: ConversationSummary = { id: s.id, title: s.title, updatedAt: s.updatedAt, botId: s.botId, botName: s.botName, turns: s.turns };
    return { summary, size, mtimeMs };
  }),
);
type IndexEntry = v.InferOutput<typeof IndexEntrySchema>;

/** index.json. Another version's index is not read (it is only a cache: the files are read instead). */
const IndexFileSchema = v.object({
  version: v.literal(INDEX_VERSION),
  // A malformed entry costs only that entry: its conversation is read from its file.
  entries: v.pipe(
    v.array(v.unknown()),
    v.transform((list) =>
      list.flatMap((raw) => {
        const entry = v.safeParse(IndexEntrySchema, raw);
        return entry.success ? [entry.output] : [];
      }),
    ),
  ),
});

export class ChatStore {
  private readonly conversationsDir: string;
  private readonly indexFile: string;
  private readonly entries = new Map<string, IndexEntry>();
  private queue: Promise<unknown> = Promise.resolve();
  private tmpCounter = 0;
  private readonly limits: ChatLimits;
  private readonly warn: (message: string) => void;

  constructor(
    readonly dir: string,
    options: { limits?: Partial<ChatLimits>; onWarning?: (message: string) => void } = {},
  ) {
    this.conversationsDir = path.join(dir, 'conversations');
    this.indexFile = path.join(dir, 'index.json');
    this.limits = { ...DEFAULT_CHAT_LIMITS, ...options.limits };
    this.warn = options.onWarning ?? (() => undefined);
  }

  /** Reads the folder: cleans up temporary files, checks the index against the files, applies the bounds. */
  load(): Promise<void> {
    return this.enqueue(async () => {
      await fsp.mkdir(this.conversationsDir, { recursive: true });
      for (const name of await fsp.readdir(this.dir)) {
        if (name.endsWith('.tmp')) await fsp.rm(path.join(this.dir, name), { force: true }); // an index write cut short
      }
      const cached = await this.readIndex();
      this.entries.clear();
      let indexStale = false;
      for (const name of await fsp.readdir(this.conversationsDir)) {
        const full = path.join(this.conversationsDir, name);
        if (name.endsWith('.tmp')) {
          // A write that never reached its rename: the conversation's previous file is intact.
          await fsp.rm(full, { force: true });
          continue;
        }
        const id = name.endsWith('.json') ? name.slice(0, -5) : '';
        if (!isLocalId(id)) continue;
        const stat = await fsp.stat(full).catch(() => undefined);
        if (!stat) continue;
        const known = cached.get(id);
        if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) {
          this.entries.set(id, known);
          continue;
        }
        indexStale = true;
        const conversation = await this.readFile(id);
        if (conversation) this.entries.set(id, { summary: summarize(conversation), size: stat.size, mtimeMs: stat.mtimeMs });
      }
      if (indexStale || cached.size !== this.entries.size) await this.writeIndex();
      await this.applyBounds(undefined);
    });
  }

  /** Summaries, most recently updated first. */
  list(): ConversationSummary[] {
    return [...this.entries.values()].map((e) => e.summary).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The conversation, or undefined when it does not exist or its file is unreadable. */
  read(id: string): Promise<StoredConversation | undefined> {
    if (!isLocalId(id)) return Promise.resolve(undefined);
    return this.enqueue(async () => {
      const conversation = await this.readFile(id);
      if (!conversation && this.entries.delete(id)) await this.writeIndex();
      return conversation;
    });
  }

  /** Writes the conversation (capped to the size limit) atomically; resolves once it is on disk. */
  save(conversation: StoredConversation): Promise<void> {
    const json = this.serialize(conversation);
    return this.enqueue(async () => {
      const file = this.fileOf(conversation.id);
      await this.writeAtomically(file, json);
      const stat = await fsp.stat(file);
      this.entries.set(conversation.id, { summary: summarize(conversation), size: stat.size, mtimeMs: stat.mtimeMs });
      await this.applyBounds(conversation.id);
      await this.writeIndex();
    });
  }

  /**
   * The same, synchronously, for when VS Code shuts the extension down and nothing asynchronous may finish.
   * Queued operations may still be running; the file is written whole either way.
   */
  saveSync(conversation: StoredConversation): void {
    const file = this.fileOf(conversation.id);
    fs.mkdirSync(this.conversationsDir, { recursive: true });
    const tmp = this.tmpName(file);
    fs.writeFileSync(tmp, this.serialize(conversation));
    fs.renameSync(tmp, file);
    const stat = fs.statSync(file);
    this.entries.set(conversation.id, { summary: summarize(conversation), size: stat.size, mtimeMs: stat.mtimeMs });
    const indexTmp = this.tmpName(this.indexFile);
    fs.writeFileSync(indexTmp, this.indexJson());
    fs.renameSync(indexTmp, this.indexFile);
  }

  delete(id: string): Promise<void> {
    if (!isLocalId(id)) return Promise.resolve();
    return this.enqueue(async () => {
      await fsp.rm(this.fileOf(id), { force: true });
      if (this.entries.delete(id)) await this.writeIndex();
    });
  }

  /** Resolves when every queued operation has finished. */
  flush(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  /** The JSON to write: the conversation, with its oldest turns (then its last answer) cut to fit the limit. */
  serialize(conversation: StoredConversation): string {
    const max = this.limits.maxConversationBytes;
    let json = JSON.stringify(conversation);
    if (Buffer.byteLength(json) <= max) return json;
    const copy: StoredConversation = { ...conversation, turns: [...conversation.turns] };
    // Drop whole turns, oldest first, estimating how many from their sizes rather than one by one.
    let excess = Buffer.byteLength(json) - max;
    while (copy.turns.length > 1 && excess > 0) {
      excess -= Buffer.byteLength(JSON.stringify(copy.turns.shift()));
      copy.trimmedTurns++;
    }
    json = JSON.stringify(copy);
    if (Buffer.byteLength(json) <= max) return json;
    // One turn is too big by itself: keep the start of its question and answer.
    const last = { ...copy.turns[0]! };
    const budget = Math.max(1000, Math.floor(max / 8)); // characters; UTF-8 may take up to 3 bytes each
    if (last.question.length > budget) last.question = `${last.question.slice(0, budget)}\n…`;
    if (last.answer.length > budget * 2) last.answer = `${last.answer.slice(0, budget * 2)}\n\n…`;
    copy.turns = [last];
    return JSON.stringify(copy);
  }

  private async applyBounds(keep: string | undefined): Promise<void> {
    const byAge = [...this.entries.values()].sort((a, b) => a.summary.updatedAt - b.summary.updatedAt);
    let total = byAge.reduce((sum, e) => sum + e.size, 0);
    let count = byAge.length;
    for (const entry of byAge) {
      if (count <= this.limits.maxConversations && total <= this.limits.maxTotalBytes) break;
      if (entry.summary.id === keep) continue;
      await fsp.rm(this.fileOf(entry.summary.id), { force: true });
      this.entries.delete(entry.summary.id);
      count--;
      total -= entry.size;
    }
  }

  private async readFile(id: string): Promise<StoredConversation | undefined> {
    const file = this.fileOf(id);
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    let conversation: StoredConversation | undefined;
    try {
      conversation = parseConversation(JSON.parse(text));
    } catch {
      conversation = undefined;
    }
    if (conversation && conversation.id === id) return conversation;
    this.warn(`Chat history: ${path.basename(file)} is not a readable conversation; it was set aside as ${path.basename(file)}.corrupt.`);
    await fsp.rename(file, `${file}.corrupt`).catch(() => undefined);
    return undefined;
  }

  private async readIndex(): Promise<Map<string, IndexEntry>> {
    const entries = new Map<string, IndexEntry>();
    let raw: unknown;
    try {
      raw = JSON.parse(await fsp.readFile(this.indexFile, 'utf8'));
    } catch {
      return entries; // missing or unreadable: rebuilt from the files
    }
    const index = v.safeParse(IndexFileSchema, raw);
    if (index.success) for (const entry of index.output.entries) entries.set(entry.summary.id, entry);
    return entries;
  }

  private indexJson(): string {
    return JSON.stringify({ version: INDEX_VERSION, entries: [...this.entries.values()] });
  }

  private writeIndex(): Promise<void> {
    return this.writeAtomically(this.indexFile, this.indexJson());
  }

  private async writeAtomically(file: string, data: string): Promise<void> {
    const tmp = this.tmpName(file);
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync(); // on disk before the rename makes it the file: a power cut cannot leave it empty
    } finally {
      await handle.close();
    }
    try {
      await fsp.rename(tmp, file);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  private tmpName(file: string): string {
    return `${file}.${process.pid}-${++this.tmpCounter}.tmp`;
  }

  private fileOf(id: string): string {
    if (!isLocalId(id)) throw new Error(`Not a conversation id: ${JSON.stringify(id.slice(0, 80))}`);
    return path.join(this.conversationsDir, `${id}.json`);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op);
    this.queue = next.catch((err: unknown) => this.warn(`Chat history: ${err instanceof Error ? err.message : String(err)}`));
    return next;
  }
}
