import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as v from 'valibot';
import { isLocalId } from '../ids';
import { LocalIdSchema, optionalField } from '../protocol';
import { parseConversation, summarize, type ConversationSummary, type StoredConversation } from './chatModel';
import { acquire, acquireSync, DEFAULT_LOCK_OPTIONS, isStale, release, releaseSync, verify, verifySync, type LockOptions } from './historyLock';
import { absorb, headerOf, mergeConversations, type ConversationHeader } from './historyMerge';

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
// - Two VS Code windows share the folder (docs/history.md): a save takes the conversation's lock file, reads the
//   file again when another writer has replaced it since, merges (src/chat/historyMerge.ts: no turn of either is
//   lost), writes, and lets the copy in memory learn what the other window added. A deletion leaves a tombstone
//   (<id>.deleted), so the other window's next save cannot bring the conversation back: it is refused, and told.

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

/** A tombstone is kept this long: far longer than a window stays open on a conversation deleted elsewhere. */
const TOMBSTONE_KEEP_MS = 30 * 24 * 3600_000;
/** An index.json.*.tmp younger than this may be another window's write in flight. */
const TMP_IN_FLIGHT_MS = 60_000;
/** At shutdown, how long saveSync waits for another window's lock before writing without it. */
const SYNC_LOCK_WAIT_MS = 300;

/** A history file that could not be read, and where it was set aside. */
export interface UnreadableHistoryFile {
  file: string;
  setAside: string;
}

/** A save of a conversation that another window (another store on this folder) has deleted. */
export class ConversationDeletedError extends Error {
  constructor(readonly id: string) {
    super(`conversation ${id} was deleted in another window`);
    this.name = 'ConversationDeletedError';
  }
}

/** What a save did besides writing. */
export interface SaveOutcome {
  /** The conversation given to save() learned turns or fields another window had written. */
  gained: boolean;
}

export interface ChatStoreOptions {
  limits?: Partial<ChatLimits>;
  onWarning?: (message: string) => void;
  /** A history file could not be read and was set aside (the user is told: src/chat/historyNotices.ts). */
  onUnreadable?: (file: UnreadableHistoryFile) => void;
  /** A conversation this store has in memory was deleted through another store (another window). */
  onDeletedElsewhere?: (conversation: StoredConversation) => void;
  lock?: Partial<LockOptions>;
}

/** Which version of a file a copy in memory has taken in: a rename gives every write a new inode. */
type FileStamp = string;

/** What a conversation object in memory last saw of its file. */
interface Seen {
  header: ConversationHeader;
  stamp?: FileStamp;
}

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
  private readonly options: ChatStoreOptions;
  private readonly lockOptions: LockOptions;
  /** Names this store's temporary files apart from another store's in the same process. */
  private readonly tmpToken = randomBytes(4).toString('hex');
  /** Per copy in memory (not per id: an older copy of the same conversation may be saved after a newer one). */
  private readonly seen = new WeakMap<StoredConversation, Seen>();
  /** Saves queued and not started yet: a second save of the same copy joins the first. */
  private readonly pendingSaves = new Map<StoredConversation, Promise<SaveOutcome>>();
  /** Deleted through this store: a late save of them is refused without a word. */
  private readonly deletedHere = new Set<string>();

  constructor(
    readonly dir: string,
    options: ChatStoreOptions = {},
  ) {
    this.conversationsDir = path.join(dir, 'conversations');
    this.indexFile = path.join(dir, 'index.json');
    this.limits = { ...DEFAULT_CHAT_LIMITS, ...options.limits };
    this.warn = options.onWarning ?? (() => undefined);
    this.options = options;
    this.lockOptions = { ...DEFAULT_LOCK_OPTIONS, ...options.lock };
  }

  /** Reads the folder: cleans up temporary files, checks the index against the files, applies the bounds. */
  load(): Promise<void> {
    return this.enqueue(async () => {
      await fsp.mkdir(this.conversationsDir, { recursive: true });
      for (const name of await fsp.readdir(this.dir)) {
        // An index write cut short; a young one may be another window's, still to be renamed.
        if (name.endsWith('.tmp')) await this.removeStaleTmp(path.join(this.dir, name));
      }
      const cached = await this.readIndex();
      // Built apart and swapped in at the end, so that list() never shows a half-read folder meanwhile.
      const next = new Map<string, IndexEntry>();
      let indexStale = false;
      const names = await fsp.readdir(this.conversationsDir);
      const present = new Set(names);
      for (const name of names) {
        // A lock a crashed window left: without it, the temp file of its write cut short is known to be stale.
        const full = path.join(this.conversationsDir, name);
        if (name.endsWith('.lock') && (await isStale(full, this.lockOptions.staleMs))) await fsp.rm(full, { force: true });
      }
      for (const name of names) {
        const full = path.join(this.conversationsDir, name);
        if (name.endsWith('.tmp')) {
          // A write that never reached its rename: the conversation's previous file is intact. Writes happen
          // under the conversation's lock, so one without a lock is not in flight (the lock is looked for now,
          // not in the listing: it is taken before the temp file is made and released after its rename).
          const owner = path.join(this.conversationsDir, `${name.slice(0, name.indexOf('.'))}.lock`);
          const writing = await fsp.stat(owner).then(
            () => true,
            () => false,
          );
          if (!writing) await fsp.rm(full, { force: true });
          continue;
        }
        if (name.endsWith('.deleted')) {
          const stat = await fsp.stat(full).catch(() => undefined);
          if (stat && Date.now() - stat.mtimeMs > TOMBSTONE_KEEP_MS) await fsp.rm(full, { force: true });
          continue;
        }
        const id = name.endsWith('.json') ? name.slice(0, -5) : '';
        if (!isLocalId(id)) continue;
        if (present.has(`${id}.deleted`)) {
          // Deleted in one window and written again by a window of an older version: the deletion stands.
          await fsp.rm(full, { force: true });
          indexStale = true;
          continue;
        }
        const stat = await fsp.stat(full).catch(() => undefined);
        if (!stat) continue;
        const known = cached.get(id);
        if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) {
          next.set(id, known);
          continue;
        }
        indexStale = true;
        const conversation = await this.readFile(id);
        if (conversation) next.set(id, { summary: summarize(conversation), size: stat.size, mtimeMs: stat.mtimeMs });
      }
      this.entries.clear();
      for (const [id, entry] of next) this.entries.set(id, entry);
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

  /**
   * Read-only, for searching the history (src/chat/historySearch.ts): each conversation's summary and its file,
   * most recently updated first. The caller reads the files itself, one at a time and outside the queue: every
   * write replaces a file whole (a rename), so a reader sees either the old version or the new one.
   */
  conversationFiles(): Array<{ summary: ConversationSummary; file: string }> {
    return this.list().map((summary) => ({ summary, file: this.fileOf(summary.id) }));
  }

  /** The conversation, or undefined when it does not exist or its file is unreadable. */
  read(id: string): Promise<StoredConversation | undefined> {
    if (!isLocalId(id)) return Promise.resolve(undefined);
    return this.enqueue(async () => {
      const found = (await this.isDeleted(id)) ? undefined : await this.readStamped(id);
      if (!found && this.entries.delete(id)) await this.writeIndex();
      if (found) this.seen.set(found.conversation, { header: headerOf(found.conversation), stamp: found.stamp });
      return found?.conversation;
    });
  }

  /**
   * Writes the conversation (capped to the size limit) atomically; resolves once it is on disk. What another
   * window wrote to the same file meanwhile is merged in, both into the file and into `conversation` (the copy in
   * memory learns the other window's turns: `gained`). The copy is taken when the save runs, not when it is
   * asked for, so a save still waiting in the queue is shared by the next request for the same copy. Rejects
   * with ConversationDeletedError when the conversation was deleted (here or in another window).
   */
  save(conversation: StoredConversation): Promise<SaveOutcome> {
    const pending = this.pendingSaves.get(conversation);
    if (pending) return pending;
    const done = this.enqueue(async () => {
      this.pendingSaves.delete(conversation);
      return this.saveNow(conversation);
    });
    this.pendingSaves.set(conversation, done);
    return done;
  }

  private async saveNow(conversation: StoredConversation): Promise<SaveOutcome> {
    const id = conversation.id;
    const file = this.fileOf(id);
    await this.refuseIfDeleted(conversation);
    let lock = await acquire(this.lockOf(id), this.lockOptions);
    try {
      for (let attempt = 1; ; attempt++) {
        const disk = await this.readIfChanged(conversation);
        // Merged, taken in and serialized in one go: the text that keeps arriving meanwhile goes with the next save.
        const merged = disk ? mergeConversations(conversation, disk, this.seen.get(conversation)?.header) : conversation;
        const gained = merged !== conversation && absorb(conversation, merged);
        const complete = holdsAll(conversation, merged);
        const tmp = await this.writeTmp(file, this.serialize(merged));
        if (!(await verify(lock))) {
          // Taken over as stale while we worked (a very slow disk): the other writer may have written since.
          await fsp.rm(tmp, { force: true });
          if (attempt >= 3) throw new Error(`${path.basename(file)}: the lock was taken over ${attempt} times`);
          lock = await acquire(this.lockOf(id), this.lockOptions);
          continue;
        }
        await this.renameIntoPlace(tmp, file);
        const stat = await fsp.stat(file, { bigint: true });
        this.seen.set(conversation, { header: headerOf(merged), stamp: complete ? stampOf(stat) : undefined });
        await this.noteSaved(merged, Number(stat.size), mtimeMsOf(stat));
        return { gained };
      }
    } finally {
      await release(lock).catch(() => undefined);
    }
  }

  /** The file as another writer left it, or undefined when this copy has taken in its current version (or there is none). */
  private async readIfChanged(conversation: StoredConversation): Promise<StoredConversation | undefined> {
    const known = this.seen.get(conversation)?.stamp;
    if (known) {
      const stat = await fsp.stat(this.fileOf(conversation.id), { bigint: true }).catch(() => undefined);
      if (stat && stampOf(stat) === known) return undefined;
    }
    return (await this.readStamped(conversation.id))?.conversation;
  }

  /** The index entry of a conversation just written; index.json is written only when its summary changed. */
  private async noteSaved(conversation: StoredConversation, size: number, mtimeMs: number): Promise<void> {
    const before = this.entries.get(conversation.id);
    const summary = summarize(conversation);
    this.entries.set(conversation.id, { summary, size, mtimeMs });
    const evicted = await this.applyBounds(conversation.id);
    // While an answer streams only the file's size and time change: the index is a cache checked against
    // both (load() reads a file whose entry is out of date), so it is not rewritten for each piece of text.
    if (evicted || !before || JSON.stringify(before.summary) !== JSON.stringify(summary)) await this.writeIndex();
  }

  /**
   * The same, synchronously, for when VS Code shuts the extension down and nothing asynchronous may finish.
   * Queued operations may still be running; the file is written whole either way. Another window's lock is
   * waited for only briefly: the copy is merged with the file as it is read here either way.
   */
  saveSync(conversation: StoredConversation): void {
    const id = conversation.id;
    const file = this.fileOf(id);
    // Deleted elsewhere: the user was told when it was found (there is no one to tell at shutdown).
    if (this.deletedHere.has(id) || fs.existsSync(this.tombstoneOf(id))) throw new ConversationDeletedError(id);
    fs.mkdirSync(this.conversationsDir, { recursive: true });
    const lock = acquireSync(this.lockOf(id), SYNC_LOCK_WAIT_MS, this.lockOptions.staleMs);
    try {
      const disk = this.readSyncIfChanged(conversation);
      const merged = disk ? mergeConversations(conversation, disk, this.seen.get(conversation)?.header) : conversation;
      if (merged !== conversation) absorb(conversation, merged);
      const complete = holdsAll(conversation, merged);
      const tmp = this.tmpName(file);
      fs.writeFileSync(tmp, this.serialize(merged));
      if (lock && !verifySync(lock)) this.warn(`Chat history: ${path.basename(file)} was written at shutdown after its lock was taken over.`);
      fs.renameSync(tmp, file);
      const stat = fs.statSync(file, { bigint: true });
      this.seen.set(conversation, { header: headerOf(merged), stamp: complete ? stampOf(stat) : undefined });
      this.entries.set(id, { summary: summarize(merged), size: Number(stat.size), mtimeMs: mtimeMsOf(stat) });
    } finally {
      if (lock) releaseSync(lock);
    }
    const indexTmp = this.tmpName(this.indexFile);
    fs.writeFileSync(indexTmp, this.indexJson());
    fs.renameSync(indexTmp, this.indexFile);
  }

  private readSyncIfChanged(conversation: StoredConversation): StoredConversation | undefined {
    const file = this.fileOf(conversation.id);
    let text: string;
    try {
      const known = this.seen.get(conversation)?.stamp;
      if (known && stampOf(fs.statSync(file, { bigint: true })) === known) return undefined;
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    // Unreadable at shutdown: overwritten by this copy (there is no time to set it aside and tell).
    const disk = parseText(text);
    return disk && disk.id === conversation.id ? disk : undefined;
  }

  /**
   * Deletes the conversation and leaves a tombstone, so that a window that still has it open cannot write it
   * back (its save is refused: ConversationDeletedError).
   */
  delete(id: string): Promise<void> {
    if (!isLocalId(id)) return Promise.resolve();
    this.deletedHere.add(id);
    return this.enqueue(async () => {
      const lock = await acquire(this.lockOf(id), this.lockOptions);
      try {
        await fsp.writeFile(this.tombstoneOf(id), JSON.stringify({ id, deletedAt: Date.now() }));
        await fsp.rm(this.fileOf(id), { force: true });
      } finally {
        await release(lock).catch(() => undefined);
      }
      if (this.entries.delete(id)) await this.writeIndex();
    });
  }

  /**
   * Makes the copy in memory hold what is on disk now (another window may have added turns or renamed it). Does
   * not write. 'deleted' when the conversation was deleted in another window.
   */
  refresh(conversation: StoredConversation): Promise<'unchanged' | 'merged' | 'deleted' | 'missing'> {
    if (!isLocalId(conversation.id)) return Promise.resolve('missing');
    return this.enqueue(async () => {
      if (await this.isDeleted(conversation.id)) {
        this.refused(conversation);
        return 'deleted';
      }
      const known = this.seen.get(conversation);
      const stat = await fsp.stat(this.fileOf(conversation.id), { bigint: true }).catch(() => undefined);
      if (!stat) return 'missing';
      if (known?.stamp && stampOf(stat) === known.stamp) return 'unchanged';
      const found = await this.readStamped(conversation.id);
      if (!found) return 'missing';
      const merged = mergeConversations(conversation, found.conversation, known?.header);
      const gained = absorb(conversation, merged);
      // The copy has taken this version in; what it has beyond it is written by its next save.
      this.seen.set(conversation, { header: headerOf(merged), stamp: holdsAll(conversation, merged) ? found.stamp : undefined });
      return gained ? 'merged' : 'unchanged';
    });
  }

  private async isDeleted(id: string): Promise<boolean> {
    if (this.deletedHere.has(id)) return true;
    return fsp.stat(this.tombstoneOf(id)).then(
      () => true,
      () => false,
    );
  }

  private async refuseIfDeleted(conversation: StoredConversation): Promise<void> {
    if (!(await this.isDeleted(conversation.id))) return;
    this.refused(conversation);
    throw new ConversationDeletedError(conversation.id);
  }

  /** Tells the owner once per refusal; a conversation deleted through this store is refused without a word. */
  private refused(conversation: StoredConversation): void {
    if (!this.deletedHere.has(conversation.id)) this.options.onDeletedElsewhere?.(conversation);
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

  /** Drops the least recently updated conversations beyond the bounds; returns whether it dropped any. */
  private async applyBounds(keep: string | undefined): Promise<boolean> {
    const byAge = [...this.entries.values()].sort((a, b) => a.summary.updatedAt - b.summary.updatedAt);
    let total = byAge.reduce((sum, e) => sum + e.size, 0);
    let count = byAge.length;
    let dropped = false;
    for (const entry of byAge) {
      if (count <= this.limits.maxConversations && total <= this.limits.maxTotalBytes) break;
      if (entry.summary.id === keep) continue;
      // Not a deletion (no tombstone): a window still using the conversation may write it again.
      await fsp.rm(this.fileOf(entry.summary.id), { force: true });
      this.entries.delete(entry.summary.id);
      dropped = true;
      count--;
      total -= entry.size;
    }
    return dropped;
  }

  private async readFile(id: string): Promise<StoredConversation | undefined> {
    return (await this.readStamped(id))?.conversation;
  }

  /**
   * The conversation and the version of the file it was read from (from the open handle, so they match), or
   * undefined when there is no file. A file that is not a conversation is set aside as *.corrupt and told.
   */
  private async readStamped(id: string): Promise<{ conversation: StoredConversation; stamp: FileStamp } | undefined> {
    const file = this.fileOf(id);
    let text: string;
    let stamp: FileStamp;
    try {
      const handle = await fsp.open(file, 'r');
      try {
        stamp = stampOf(await handle.stat({ bigint: true }));
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
    const conversation = parseText(text);
    if (conversation && conversation.id === id) return { conversation, stamp };
    // Another window may have just replaced it with a good version: only the version read is set aside.
    const now = await fsp.stat(file, { bigint: true }).catch(() => undefined);
    if (!now || stampOf(now) !== stamp) return this.readStamped(id);
    const setAside = `${file}.corrupt`;
    this.warn(`Chat history: ${path.basename(file)} is not a readable conversation; it was set aside as ${path.basename(setAside)}.`);
    const moved = await fsp.rename(file, setAside).then(
      () => true,
      () => false,
    );
    if (moved) this.options.onUnreadable?.({ file, setAside });
    return undefined;
  }

  /** A stale temporary file of the folder: its writer ended, or it is too old to be in flight. */
  private async removeStaleTmp(full: string): Promise<void> {
    const stat = await fsp.stat(full).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > TMP_IN_FLIGHT_MS) await fsp.rm(full, { force: true });
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
    await this.renameIntoPlace(await this.writeTmp(file, data), file);
  }

  /** The data in a temporary file next to `file`, on disk (a power cut cannot leave the renamed file empty). */
  private async writeTmp(file: string, data: string): Promise<string> {
    const tmp = this.tmpName(file);
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    await handle.close();
    return tmp;
  }

  private async renameIntoPlace(tmp: string, file: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await fsp.rename(tmp, file);
        return;
      } catch (err) {
        // Windows refuses to replace a file another process has open for a moment (a reader, an antivirus).
        const busy = ['EPERM', 'EACCES', 'EBUSY'].includes((err as { code?: string }).code ?? '');
        if (busy && attempt < 5) {
          await new Promise((r) => setTimeout(r, 10 * attempt));
          continue;
        }
        await fsp.rm(tmp, { force: true });
        throw err;
      }
    }
  }

  private tmpName(file: string): string {
    return `${file}.${process.pid}-${this.tmpToken}-${++this.tmpCounter}.tmp`;
  }

  private lockOf(id: string): string {
    return path.join(this.conversationsDir, `${id}.lock`);
  }

  private tombstoneOf(id: string): string {
    return path.join(this.conversationsDir, `${id}.deleted`);
  }

  private fileOf(id: string): string {
    if (!isLocalId(id)) throw new Error(`Not a conversation id: ${JSON.stringify(id.slice(0, 80))}`);
    return path.join(this.conversationsDir, `${id}.json`);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op);
    this.queue = next.catch((err: unknown) => {
      // A refused save of a deleted conversation is told to the user once, not logged at every piece of text.
      if (!(err instanceof ConversationDeletedError)) this.warn(`Chat history: ${err instanceof Error ? err.message : String(err)}`);
    });
    return next;
  }
}

function parseText(text: string): StoredConversation | undefined {
  try {
    return parseConversation(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Which version of a file this is: every write renames a new file into place, so it gets a new inode. */
function stampOf(stat: fs.BigIntStats): FileStamp {
  return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/**
 * The mtimeMs a plain fs.stat() gives (fractions of a millisecond included), as the index keeps it and load()
 * compares it: a BigIntStats' own mtimeMs is cut to whole milliseconds.
 */
function mtimeMsOf(stat: fs.BigIntStats): number {
  return Number(stat.mtimeNs / 1_000_000_000n) * 1000 + Number(stat.mtimeNs % 1_000_000_000n) / 1e6;
}

/** `into` holds the very turn objects of `merged` (it took every one in: none is running here). */
function holdsAll(into: StoredConversation, merged: StoredConversation): boolean {
  if (merged === into) return true;
  const own = new Map(into.turns.map((t) => [t.id, t]));
  return merged.turns.every((t) => own.get(t.id) === t);
}
