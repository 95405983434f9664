import * as v from 'valibot';
import { COZE_ID_PATTERN } from '../ids';
import {
  ChatFixActionSchema,
  CHATFLOW_KEY_PREFIX,
  ChatTurnStatusSchema,
  FiniteNumberSchema,
  FollowUpsSchema,
  lenientObject,
  LocalIdSchema,
  optionalField,
  ReasoningSchema,
  UsageSchema,
  type ChatSummaryView,
  type ChatTurnStatus,
} from '../protocol';
import { StoredAttachmentsSchema } from './attachments';

// What a chat conversation is, as kept in memory and on disk. Pure (no vscode import): the store and the unit
// tests use it in plain Node. Files are data from disk (they may be old, hand-edited or half-written), so
// parseConversation() takes only well-formed fields: a malformed optional field is left out, a malformed turn
// is skipped, and only a file without an id, a title or a list of turns is not a conversation at all.

export const CONVERSATION_VERSION = 1;
/** A title fits the history list and the view's header: long enough for a question, short enough to read at a glance. */
const TITLE_CHARS = 72;

/** Kept only when it says something: an empty name or id reads as none. */
const someText = () => optionalField(v.pipe(v.string(), v.nonEmpty()));

export const StoredTurnSchema = lenientObject({
  id: LocalIdSchema,
  question: v.string(),
  /** Markdown, as the bot wrote it. */
  answer: v.string(),
  status: v.pipe(
    ChatTurnStatusSchema,
    // Still being answered when VS Code went away: nothing will finish it now.
    v.transform((status): ChatTurnStatus => (isUnfinished(status) ? 'interrupted' : status)),
  ),
  followUps: FollowUpsSchema,
  botId: v.fallback(v.string(), ''),
  botName: someText(),
  usage: optionalField(UsageSchema),
  startedAt: v.fallback(FiniteNumberSchema, 0),
  elapsedMs: optionalField(FiniteNumberSchema),
  chatId: someText(),
  /** A deep-thinking model's reasoning, apart from the answer; cut at MAX_REASONING (see there why). */
  reasoning: optionalField(ReasoningSchema),
  /** How long the model thought before its answer began. */
  reasoningMs: optionalField(FiniteNumberSchema),
  /** Files sent with the question: names, sizes and Coze's file ids, never the bytes (src/chat/attachments.ts). */
  attachments: StoredAttachmentsSchema,
  /** Localized when it happened; `actions` are the fixes offered. */
  error: optionalField(
    lenientObject({
      message: v.string(),
      code: optionalField(FiniteNumberSchema),
      logId: someText(),
      actions: v.fallback(
        v.pipe(
          v.array(v.unknown()),
          v.transform((list) => list.filter((a) => v.is(ChatFixActionSchema, a))),
        ),
        () => [],
      ),
    }),
  ),
});
export type StoredTurn = v.InferOutput<typeof StoredTurnSchema>;

export const StoredConversationSchema = lenientObject({
  /** Files written by a newer version are left alone: they may mean something this one does not know. */
  version: v.pipe(
    v.optional(v.fallback(FiniteNumberSchema, 0), 0),
    v.maxValue(CONVERSATION_VERSION),
    v.transform(() => CONVERSATION_VERSION),
  ),
  /** Local id (names the file). */
  id: LocalIdSchema,
  title: v.string(),
  /** The user renamed it: new questions do not change the title. */
  titleEdited: optionalField(v.pipe(v.boolean(), v.transform((edited): boolean | undefined => edited || undefined))),
  botId: v.fallback(v.string(), ''),
  botName: someText(),
  /** Coze's conversation_id: every turn after the first continues it, so the bot remembers. */
  cozeConversationId: someText(),
  createdAt: v.fallback(FiniteNumberSchema, 0),
  updatedAt: v.fallback(FiniteNumberSchema, 0),
  /** Turns that are not well formed are skipped; the rest of the conversation is still worth having. */
  turns: v.pipe(
    v.array(v.unknown()),
    v.transform((list) => list.flatMap((raw) => parseWith(StoredTurnSchema, raw) ?? [])),
  ),
  /** Older turns dropped from the saved copy by the size cap (Coze still remembers them). */
  trimmedTurns: v.fallback(FiniteNumberSchema, 0),
});
export type StoredConversation = v.InferOutput<typeof StoredConversationSchema>;

/** What the history list shows of a conversation: exactly what the chat view receives. */
export type ConversationSummary = ChatSummaryView;

/**
 * The title a conversation gets from its first question: one short line of its words. Quoted code ("Ask Coze in
 * Chat" puts a `path:lines` line and a fence first) and Markdown marks are left out, so that the question under
 * them names the conversation; a question of code only is named by its file and first line of code. At most
 * TITLE_CHARS characters, cut at a word when there is one near the end.
 */
export function titleFromQuestion(question: string, fallback: string): string {
  const prose: string[] = [];
  let reference: string | undefined;
  let firstCode: string | undefined;
  let fence: RegExp | undefined;
  for (const raw of question.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (fence) {
      if (fence.test(line)) fence = undefined;
      else if (firstCode === undefined && line) firstCode = line;
      continue;
    }
    const open = /^(`{3,}|~{3,})/.exec(line);
    if (open) {
      // Closed by a run of the same character at least as long (CommonMark); an unclosed fence runs to the end.
      fence = new RegExp(`^${open[1]![0] === '`' ? '`' : '~'}{${open[1]!.length},}\\s*$`);
      continue;
    }
    const ref = /^`([^`]+:\d+(?:-\d+)?)`$/.exec(line);
    if (ref) reference ??= ref[1];
    else prose.push(plainLine(line));
  }
  const words = oneLineOf(prose.join(' ')).replace(/:$/, '');
  const code = firstCode === undefined ? '' : oneLineOf(firstCode);
  const title = words || [reference, code].filter(Boolean).join(' · ');
  return title ? shortTitle(title) : fallback;
}

/** One line of Markdown as words: no heading, quote or list marks, no emphasis, links as their text. */
function plainLine(line: string): string {
  if (/^([-*_])(\s*\1){2,}$/.test(line)) return ''; // a thematic break
  const heading = /^(>\s?)*#{1,6}\s/.test(line);
  const words = line
    .replace(/^(>\s?)+/, '')
    .replace(/^#{1,6}\s+|\s+#+$/g, '')
    .replace(/^([-*+]|\d{1,9}[.)])\s+(\[[ xX]\]\s+)?/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(`+)([^`]+?)\1/g, '$2')
    .replace(/(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)/g, '$1$2');
  // A heading reads as the subject of what follows it ("Bug: when I run…").
  return heading && !/[\p{P}]$/u.test(words) ? `${words}:` : words;
}

function oneLineOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most TITLE_CHARS code points with the "…": cut at a space in the last part, else within a long word. */
function shortTitle(line: string): string {
  const points = Array.from(line);
  if (points.length <= TITLE_CHARS) return line;
  const head = points.slice(0, TITLE_CHARS - 1).join('');
  const space = head.lastIndexOf(' ');
  const cut = space >= head.length * 0.6 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,.;:!?，。；：、]+$/u, '')}…`;
}

export function summarize(c: StoredConversation): ConversationSummary {
  return { id: c.id, title: c.title, updatedAt: c.updatedAt, botId: c.botId, botName: c.botName, turns: c.turns.length + c.trimmedTurns };
}

/** A turn still being answered when VS Code went away is 'interrupted' once read back. */
export function isUnfinished(status: ChatTurnStatus): boolean {
  return status === 'waiting' || status === 'streaming';
}

/** A conversation read from disk, or undefined when it is not one (the caller sets such a file aside). */
export function parseConversation(raw: unknown): StoredConversation | undefined {
  return parseWith(StoredConversationSchema, raw);
}

function parseWith<T extends v.GenericSchema>(schema: T, raw: unknown): v.InferOutput<T> | undefined {
  const result = v.safeParse(schema, raw);
  return result.success ? result.output : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// askCoze.bots: the bots the chat can switch between (read by src/chat/chatBots.ts)
// ---------------------------------------------------------------------------------------------------------

const MAX_BOTS = 50;
const MAX_BOT_NAME = 60;

const BotNameSchema = v.pipe(
  v.string(),
  v.transform((name) => name.replace(/\s+/g, ' ').trim().slice(0, MAX_BOT_NAME)),
  v.nonEmpty(),
);
const EntryIdSchema = v.pipe(v.string(), v.trim(), v.regex(COZE_ID_PATTERN));

/** A bot of the chat: its `id` is the bot's id. */
export interface PlainBot {
  kind?: 'bot';
  id: string;
  name: string;
}

/**
 * A chatflow the chat talks to like a bot (POST /v1/workflows/chat). Its `id` is chatflowKey(workflowId), so
 * that it never collides with a bot id in the header's switch, the saved conversations or globalState.
 */
export interface ChatflowBot {
  kind: 'chatflow';
  id: string;
  name: string;
  workflowId: string;
  /** The app the chatflow belongs to. */
  appId?: string;
  /** The bot the chatflow belongs to (sent only when the entry names one). */
  botId?: string;
}

export type ChatBot = PlainBot | ChatflowBot;

/** `{ "name", "id" }` as typed in settings.json: spaces around the id and inside the name are tidied. */
const BotEntrySchema = v.pipe(
  // An entry with a workflowId is a chatflow, even when it also has an id.
  v.object({ id: EntryIdSchema, name: BotNameSchema, workflowId: v.optional(v.undefined()) }),
  v.transform(({ id, name }): PlainBot => ({ id, name })),
);

/** `{ "name", "workflowId", "appId"?, "botId"? }`: a chatflow. */
const ChatflowEntrySchema = v.pipe(
  v.object({ name: BotNameSchema, workflowId: EntryIdSchema, appId: v.optional(EntryIdSchema), botId: v.optional(EntryIdSchema) }),
  v.transform(({ name, workflowId, appId, botId }): ChatflowBot => ({
    kind: 'chatflow',
    id: chatflowKey(workflowId),
    name,
    workflowId,
    ...(appId ? { appId } : {}),
    ...(botId ? { botId } : {}),
  })),
);

/** One entry of askCoze.bots: a bot or a chatflow. */
export const ChatBotSchema = v.union([BotEntrySchema, ChatflowEntrySchema]);

/** The chat's key of a chatflow. */
export function chatflowKey(workflowId: string): string {
  return `${CHATFLOW_KEY_PREFIX}${workflowId}`;
}

/**
 * What the ask pipeline is given for a bot of the chat: a bot id, or a chatflow. A conversation whose chatflow
 * was removed from the setting still names it by its key, so the key alone is enough for the workflow id.
 */
export function askTarget(bot: ChatBot): { botId?: string; workflowId?: string; appId?: string } {
  if (bot.kind === 'chatflow') return { workflowId: bot.workflowId, appId: bot.appId, botId: bot.botId };
  if (bot.id.startsWith(CHATFLOW_KEY_PREFIX)) return { workflowId: bot.id.slice(CHATFLOW_KEY_PREFIX.length) };
  return { botId: bot.id };
}

/**
 * Entries of askCoze.bots: anything malformed is skipped and reported in `problems`, a repeated id is skipped
 * silently, and at most MAX_BOTS are taken (the header's menu has to stay usable).
 */
export function parseBots(raw: unknown, problems: string[] = []): ChatBot[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('askCoze.bots must be a list of { "name": "...", "id": "..." }');
    return [];
  }
  const bots: ChatBot[] = [];
  for (const entry of raw) {
    const bot = parseWith(ChatBotSchema, entry);
    if (!bot) {
      const shown = JSON.stringify(entry) ?? String(entry);
      const needs = entry && typeof entry === 'object' && 'workflowId' in entry ? 'a "name" and a numeric "workflowId" string' : 'a "name" and a numeric "id" string';
      problems.push(`askCoze.bots: skipped ${shown.slice(0, 120)} (needs ${needs})`);
      continue;
    }
    if (bots.some((b) => b.id === bot.id)) continue;
    bots.push(bot);
    if (bots.length === MAX_BOTS) break;
  }
  return bots;
}
