import { CONVERSATION_VERSION, isUnfinished, type StoredConversation, type StoredTurn } from './chatModel';

// How two copies of one conversation become one when two VS Code windows write it (docs/history.md). Pure
// functions, no vscode, no disk: unit-tested in plain Node (test/unit/historyMerge.test.ts).
//
// - Turns: a turn present in either copy is kept (turns are named by local ids, never reused). Of two versions
//   of one turn, the later attempt wins (a retry in place starts the turn again with a new startedAt); of the
//   same attempt, a finished one (done, stopped, failed) beats an unfinished one (waiting, streaming,
//   interrupted: what a reader sees of an answer still arriving elsewhere); then the longer answer; then the
//   writer's own. Turns are ordered by startedAt.
// - The conversation's own fields (title, bot, Coze's conversation id): a three-way merge against the version
//   this writer last saw ("base"): the side that changed a field since then wins it, the writer when both did.
//   Without a base, a title the user edited beats one taken from a question.
// - trimmedTurns (turns the size cap dropped from the file): only those neither copy still holds.

/** The fields of a conversation other than its turns that either window may change. */
export interface ConversationHeader {
  title: string;
  titleEdited?: boolean;
  botId: string;
  botName?: string;
  cozeConversationId?: string;
}

export function headerOf(c: StoredConversation): ConversationHeader {
  return { title: c.title, titleEdited: c.titleEdited, botId: c.botId, botName: c.botName, cozeConversationId: c.cozeConversationId };
}

/** 1 for an answer that has ended, 0 for one that may still grow. */
function finishedRank(t: StoredTurn): number {
  return isUnfinished(t.status) || t.status === 'interrupted' ? 0 : 1;
}

/** Of two versions of one turn, the one to keep: `mine` unless `theirs` is further along (see the rules above). */
export function pickTurn(mine: StoredTurn, theirs: StoredTurn): StoredTurn {
  if (theirs.startedAt !== mine.startedAt) return theirs.startedAt > mine.startedAt ? theirs : mine;
  const rank = finishedRank(theirs) - finishedRank(mine);
  if (rank !== 0) return rank > 0 ? theirs : mine;
  return theirs.answer.length > mine.answer.length ? theirs : mine;
}

/** Turns by startedAt; turns started at the same time (files of older versions say 0) keep their order. */
function byStart(turns: StoredTurn[]): StoredTurn[] {
  return turns
    .map((turn, index) => ({ turn, index }))
    .sort((a, b) => a.turn.startedAt - b.turn.startedAt || a.index - b.index)
    .map((e) => e.turn);
}

/**
 * The one conversation to write, from this writer's copy (`mine`), the file as it is now (`disk`) and the header
 * `mine` had when it was last read or written (`base`; undefined for a conversation never read back). Turn
 * objects are shared with the inputs, not copied.
 */
export function mergeConversations(mine: StoredConversation, disk: StoredConversation, base?: ConversationHeader): StoredConversation {
  const mineById = new Map(mine.turns.map((t) => [t.id, t]));
  const diskIds = new Set(disk.turns.map((t) => t.id));
  const union = [
    ...disk.turns.map((t) => {
      const own = mineById.get(t.id);
      return own ? pickTurn(own, t) : t;
    }),
    ...mine.turns.filter((t) => !diskIds.has(t.id)),
  ];
  const turns = byStart(union);
  const header = mergeHeader(headerOf(mine), headerOf(disk), base);
  const merged: StoredConversation = {
    version: CONVERSATION_VERSION,
    id: mine.id,
    title: header.title,
    botId: header.botId,
    createdAt: earliest(mine.createdAt, disk.createdAt),
    updatedAt: Math.max(mine.updatedAt, disk.updatedAt),
    turns,
    trimmedTurns: Math.max(stillTrimmed(disk, mine), stillTrimmed(mine, disk)),
  };
  if (header.titleEdited) merged.titleEdited = true;
  if (header.botName) merged.botName = header.botName;
  if (header.cozeConversationId) merged.cozeConversationId = header.cozeConversationId;
  return merged;
}

function earliest(a: number, b: number): number {
  if (!a || !b) return a || b;
  return Math.min(a, b);
}

/**
 * Of the turns `side` lost to the size cap, how many `other` does not hold either. The cap drops the oldest
 * turns, so the ones `other` has from before `side`'s first turn are the ones `side` lost.
 */
function stillTrimmed(side: StoredConversation, other: StoredConversation): number {
  if (side.trimmedTurns <= 0) return 0;
  const first = side.turns[0];
  const sideIds = new Set(side.turns.map((t) => t.id));
  const recovered = other.turns.filter((t) => !sideIds.has(t.id) && (!first || t.startedAt < first.startedAt)).length;
  return Math.max(0, side.trimmedTurns - recovered);
}

function mergeHeader(mine: ConversationHeader, disk: ConversationHeader, base: ConversationHeader | undefined): ConversationHeader {
  // Title and "edited" go together: a title is either the user's or the first question's.
  const mineTitleChanged = !base || mine.title !== base.title || !!mine.titleEdited !== !!base.titleEdited;
  const diskTitleChanged = !base || disk.title !== base.title || !!disk.titleEdited !== !!base.titleEdited;
  let titleFromDisk: boolean;
  if (!base) titleFromDisk = !!disk.titleEdited && !mine.titleEdited;
  else titleFromDisk = diskTitleChanged && !mineTitleChanged;
  const pick = <K extends 'botId' | 'botName' | 'cozeConversationId'>(key: K): ConversationHeader[K] => {
    if (!base) return mine[key] ?? disk[key];
    return mine[key] === base[key] && disk[key] !== base[key] ? disk[key] : mine[key];
  };
  const bot = pick('botId');
  return {
    title: titleFromDisk ? disk.title : mine.title,
    titleEdited: titleFromDisk ? disk.titleEdited : mine.titleEdited,
    botId: bot,
    // The bot's name goes with the bot.
    botName: bot === mine.botId ? mine.botName : disk.botName,
    cozeConversationId: pick('cozeConversationId'),
  };
}

/**
 * Makes `into` (a window's copy, kept in memory) hold what `merged` holds, except turns still being answered in
 * this window: their text is arriving here, so this copy is theirs. Turn objects `into` keeps are not replaced
 * unless the merged version is another one. Returns whether anything changed.
 */
export function absorb(into: StoredConversation, merged: StoredConversation): boolean {
  let changed = false;
  const index = new Map(into.turns.map((t, i) => [t.id, i]));
  const added: StoredTurn[] = [];
  for (const turn of merged.turns) {
    const at = index.get(turn.id);
    if (at === undefined) {
      added.push(turn);
      continue;
    }
    const own = into.turns[at]!;
    if (own === turn || isUnfinished(own.status)) continue;
    if (pickTurn(own, turn) === turn) {
      into.turns[at] = turn;
      changed = true;
    }
  }
  if (added.length) {
    into.turns = byStart([...into.turns, ...added]);
    changed = true;
  }
  const before = JSON.stringify(headerOf(into));
  into.title = merged.title;
  setOptional(into, 'titleEdited', merged.titleEdited);
  into.botId = merged.botId;
  setOptional(into, 'botName', merged.botName);
  setOptional(into, 'cozeConversationId', merged.cozeConversationId);
  if (JSON.stringify(headerOf(into)) !== before) changed = true;
  if (merged.updatedAt > into.updatedAt) into.updatedAt = merged.updatedAt;
  if (merged.createdAt && merged.createdAt < into.createdAt) into.createdAt = merged.createdAt;
  if (into.trimmedTurns !== merged.trimmedTurns) {
    into.trimmedTurns = merged.trimmedTurns;
    changed = true;
  }
  return changed;
}

function setOptional<K extends 'titleEdited' | 'botName' | 'cozeConversationId'>(c: StoredConversation, key: K, value: StoredConversation[K]): void {
  if (value === undefined) delete c[key];
  else c[key] = value;
}
