import * as v from 'valibot';
import { COZE_ID_PATTERN, LOCAL_ID_PATTERN } from './ids';

// The messages between the extension and its webviews: one typed definition both sides import, and one
// validator the extension runs on everything a webview sends (a webview renders untrusted bot output, so
// its messages are treated as untrusted input too).
//
// Whatever is parsed is declared as a valibot schema and its type is inferred from it, so the check and the
// type cannot drift apart. The webview bundles import only types from here: the schemas never reach them.
// Types only the extension produces (what it sends, the strings) stay plain interfaces.

// ---------------------------------------------------------------------------------------------------------
// Building blocks, shared with the chat history (src/chat/chatModel.ts)
// ---------------------------------------------------------------------------------------------------------

/** Upper bound on any string a webview may send; a copied answer can be large, but not unbounded. */
export const MAX_WEBVIEW_STRING = 5_000_000;
const MAX_LINK = 8_192;
const MAX_QUESTION = 100_000;
export const MAX_CHAT_TITLE = 200;
/** Follow-up suggestions kept from saved data: a handful is useful, an unbounded list only costs memory. */
export const MAX_FOLLOW_UPS = 10;

/** Local ids of conversations and turns (they name files: see src/ids.ts). */
export const LocalIdSchema = v.pipe(v.string(), v.regex(LOCAL_ID_PATTERN));
/** Coze's own ids (a bot, a conversation): digit strings. */
export const CozeIdSchema = v.pipe(v.string(), v.regex(COZE_ID_PATTERN));

/** JSON has no NaN, but 1e999 parses to Infinity: neither is a count or a duration. */
export const FiniteNumberSchema = v.pipe(v.number(), v.finite());

/**
 * An optional field of data read back (saved state, files on disk): left out when malformed, instead of
 * making the whole record unreadable. Stored data may be old or hand-edited, and a wrong optional field
 * should cost that field only.
 */
export function optionalField<T extends v.GenericSchema>(schema: T): v.SchemaWithFallback<v.OptionalSchema<T, undefined>, undefined> {
  return v.fallback(v.optional(schema), undefined);
}

/**
 * An object read back with optionalField()s: a field that fell back is left out rather than kept as
 * `key: undefined`, so that what is read compares equal to what was written. Unknown keys are dropped.
 */
export function lenientObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(v.object(entries), v.transform(withoutUndefined));
}

function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** Follow-up suggestions as read back: the strings among them, at most MAX_FOLLOW_UPS; [] when not a list. */
export const FollowUpsSchema = v.fallback(
  v.pipe(
    v.array(v.unknown()),
    v.transform((list) => list.filter((f): f is string => typeof f === 'string').slice(0, MAX_FOLLOW_UPS)),
  ),
  // A factory: one shared [] would be mutated through every record that fell back to it.
  () => [],
);

/** Token usage of one answer. Only tokenCount is essential: the breakdown defaults to 0 when missing. */
export const UsageSchema = v.object({
  tokenCount: FiniteNumberSchema,
  outputCount: v.fallback(FiniteNumberSchema, 0),
  inputCount: v.fallback(FiniteNumberSchema, 0),
});
export type Usage = v.InferOutput<typeof UsageSchema>;

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
/** Text a user typed: bounded, and not only whitespace (that would spend a call on nothing). */
const typedText = (max: number) => v.pipe(v.string(), v.maxLength(max), v.check((s) => s.trim() !== ''));

/**
 * A message counts only by its own keys. structuredClone (postMessage) never produces anything else, so an
 * object that gets `type` from its prototype, or an array with keys attached, is not a message.
 */
const WebviewMessageSchema = v.pipe(
  v.custom<Record<string, unknown>>((raw) => typeof raw === 'object' && raw !== null && !Array.isArray(raw)),
  v.transform((raw): Record<string, unknown> => Object.fromEntries(Object.entries(raw))),
);

// The parsers stop at the first problem: the caller only needs to know that a message is bad, and a
// multi-megabyte string is then not scanned again by later checks.
const FIRST_ISSUE = { abortEarly: true } as const;

// ---------------------------------------------------------------------------------------------------------
// The answer panel (its webview: src/webview/answer/, host side src/answerPanel/)
// ---------------------------------------------------------------------------------------------------------

export const ANSWER_PHASES = ['waiting', 'streaming', 'done', 'failed', 'canceled'] as const;

/**
 * What the answer panel shows. Sent whole on every update; the webview renders only what changed, and saves it
 * so that the panel comes back after a window reload. Read back through this schema: question and text are
 * required, a malformed optional field is dropped, an unknown phase reads as 'done'.
 */
export const AnswerViewStateSchema = lenientObject({
  question: v.string(),
  /** The answer so far, Markdown. */
  text: v.string(),
  phase: v.fallback(v.picklist(ANSWER_PHASES), 'done'),
  /** Localized status line while waiting ("in_progress · 3 s"). */
  statusText: optionalField(v.string()),
  error: optionalField(
    lenientObject({
      message: v.string(),
      code: optionalField(FiniteNumberSchema),
      logId: optionalField(v.string()),
    }),
  ),
  followUps: FollowUpsSchema,
  usage: optionalField(UsageSchema),
  botId: v.fallback(v.string(), ''),
  /** The Coze conversation this answer belongs to, so that follow-ups continue it. */
  conversationId: optionalField(CozeIdSchema),
  elapsedMs: optionalField(FiniteNumberSchema),
});
export type AnswerViewState = v.InferOutput<typeof AnswerViewStateSchema>;

/**
 * The state an answer panel saved, for restoring it after a window reload; undefined when it is not one (the
 * panel is then closed). The Coze conversation id is kept, so that a follow-up asked from the restored panel
 * continues that conversation instead of starting a new one. An answer cut short by the reload is 'canceled':
 * nothing streams into it any more, so its status line goes too.
 */
export function restoreAnswerViewState(saved: unknown): AnswerViewState | undefined {
  const result = v.safeParse(AnswerViewStateSchema, saved);
  if (!result.success) return undefined;
  const { statusText: _notRestored, ...state } = result.output;
  const interrupted = state.phase === 'waiting' || state.phase === 'streaming';
  return { ...state, phase: interrupted ? 'canceled' : state.phase };
}

/** Localized strings the webview needs; the host translates them (webviews have no vscode.l10n). */
export interface AnswerViewStrings {
  question: string;
  waiting: string;
  copyAnswer: string;
  copyCode: string;
  copied: string;
  retry: string;
  followUps: string;
  stopped: string;
  failed: string;
  tokens: string;
  bot: string;
  code: string;
  logId: string;
  showMore: string;
  showLess: string;
  continueInChat: string;
}

export type HostToAnswerView = { type: 'state'; state: AnswerViewState };

export const AnswerViewToHostSchema = v.pipe(
  WebviewMessageSchema,
  v.variant('type', [
    v.strictObject({ type: v.literal('ready') }),
    v.strictObject({ type: v.literal('openLink'), href: text(MAX_LINK) }),
    v.strictObject({ type: v.literal('copy'), text: text(MAX_WEBVIEW_STRING) }),
    v.strictObject({ type: v.literal('askFollowUp'), question: typedText(MAX_QUESTION) }),
    v.strictObject({ type: v.literal('retry') }),
    v.strictObject({ type: v.literal('continueInChat') }),
  ]),
);
export type AnswerViewToHost = v.InferOutput<typeof AnswerViewToHostSchema>;

/** Returns the message when it is well formed, otherwise undefined (and the caller drops it). */
export function parseAnswerViewMessage(raw: unknown): AnswerViewToHost | undefined {
  const result = v.safeParse(AnswerViewToHostSchema, raw, FIRST_ISSUE);
  return result.success ? result.output : undefined;
}

/** Links in bot output open only through VS Code, and only for these schemes. */
export function isAllowedExternalLink(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The chat view (src/chat/chatView.ts ⇄ src/webview/chat/)
// ---------------------------------------------------------------------------------------------------------

/** How a chat turn stands. 'interrupted': VS Code went away while it was being answered. */
export const ChatTurnStatusSchema = v.picklist(['waiting', 'streaming', 'done', 'stopped', 'failed', 'interrupted']);
export type ChatTurnStatus = v.InferOutput<typeof ChatTurnStatusSchema>;

/** Fixes a failed turn can offer (Retry is always offered separately). */
export const ChatFixActionSchema = v.picklist(['setKey', 'switchRegion', 'openSettings', 'openProxySettings', 'openLog']);
export type ChatFixAction = v.InferOutput<typeof ChatFixActionSchema>;

export interface ChatTurnView {
  id: string;
  question: string;
  /** The answer so far, Markdown (untrusted bot output). */
  answer: string;
  status: ChatTurnStatus;
  /** Localized status while waiting ("Thinking · 3 s"). */
  statusText?: string;
  followUps: string[];
  botId: string;
  botName?: string;
  usage?: Usage;
  elapsedMs?: number;
  error?: { message: string; code?: number; logId?: string; actions: Array<{ action: ChatFixAction; label: string }> };
}

export interface ChatSummaryView {
  id: string;
  title: string;
  /** Epoch ms of the last change. */
  updatedAt: number;
  botId: string;
  botName?: string;
  turns: number;
}

export interface ChatBotView {
  id: string;
  name: string;
}

/** Everything the chat view shows; sent whole on structural changes, streamed text goes by 'progress'. */
export interface ChatViewState {
  /** Local id of the open conversation. */
  conversationId: string;
  title: string;
  botId: string;
  turns: ChatTurnView[];
  /** A turn of the open conversation is being answered (the composer shows Stop). */
  busy: boolean;
  bots: ChatBotView[];
  history: ChatSummaryView[];
  /** Older turns were dropped from the saved copy by the size cap. */
  trimmedTurns: number;
}

/** Localized strings of the chat view (the host translates them; webviews have no vscode.l10n). */
export interface ChatViewStrings {
  inputPlaceholder: string;
  inputLabel: string;
  send: string;
  stop: string;
  retry: string;
  copyAnswer: string;
  copyCode: string;
  insertCode: string;
  copied: string;
  inserted: string;
  you: string;
  bot: string;
  botLabel: string;
  tokens: string;
  seconds: string;
  waiting: string;
  answering: string;
  answered: string;
  stopped: string;
  interrupted: string;
  failed: string;
  followUps: string;
  newChat: string;
  history: string;
  historyEmpty: string;
  backToChat: string;
  rename: string;
  renameLabel: string;
  delete: string;
  save: string;
  cancel: string;
  emptyTitle: string;
  emptyHint: string;
  trimmed: string;
  turns: string;
  untitled: string;
  code: string;
  logId: string;
}

export type HostToChatView =
  | { type: 'state'; state: ChatViewState }
  /** Streamed text of a turn: `append` goes after the first `offset` characters the view already has. */
  | { type: 'progress'; turnId: string; offset: number; append: string; status: ChatTurnStatus; statusText?: string }
  /** Puts text into the input (Ask Coze in Chat), after any draft, and focuses it. */
  | { type: 'insertInput'; text: string }
  | { type: 'focusInput' }
  | { type: 'showHistory'; show: boolean };

export const ChatViewToHostSchema = v.pipe(
  WebviewMessageSchema,
  v.variant('type', [
    v.strictObject({ type: v.literal('ready') }),
    v.strictObject({ type: v.literal('send'), text: typedText(MAX_QUESTION) }),
    v.strictObject({ type: v.literal('stop') }),
    v.strictObject({ type: v.literal('retry'), turnId: LocalIdSchema }),
    v.strictObject({ type: v.literal('newChat') }),
    v.strictObject({ type: v.literal('openConversation'), id: LocalIdSchema }),
    v.strictObject({ type: v.literal('renameConversation'), id: LocalIdSchema, title: typedText(MAX_CHAT_TITLE) }),
    v.strictObject({ type: v.literal('deleteConversation'), id: LocalIdSchema }),
    v.strictObject({ type: v.literal('selectBot'), botId: CozeIdSchema }),
    v.strictObject({ type: v.literal('fixAction'), action: ChatFixActionSchema }),
    v.strictObject({ type: v.literal('copy'), text: text(MAX_WEBVIEW_STRING) }),
    v.strictObject({ type: v.literal('insertCode'), code: text(MAX_WEBVIEW_STRING) }),
    v.strictObject({ type: v.literal('openLink'), href: text(MAX_LINK) }),
  ]),
);
export type ChatViewToHost = v.InferOutput<typeof ChatViewToHostSchema>;

/** Validates a message from the chat webview; undefined for anything malformed (unknown type, extra keys…). */
export function parseChatViewMessage(raw: unknown): ChatViewToHost | undefined {
  const result = v.safeParse(ChatViewToHostSchema, raw, FIRST_ISSUE);
  return result.success ? result.output : undefined;
}
