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
/**
 * A model's reasoning is kept (history, saved panel state) up to this many characters. It is secondary to the
 * answer and can be long: a conversation file is capped (src/chat/chatStore.ts drops its oldest turns to fit),
 * and an unbounded reasoning would push earlier answers out. 50,000 characters hold nearly any reasoning whole.
 */
export const MAX_REASONING = 50_000;
/** Files that may go with one chat question (src/chat/attachments.ts): enough for a task, few enough to check. */
export const MAX_ATTACHMENTS = 10;
/** The longest attachment name kept; longer names are cut, keeping the extension. */
export const MAX_ATTACHMENT_NAME = 255;
/**
 * Bytes a webview may hand over for one pasted or dropped file. Larger files are attached with the attach button,
 * which reads them from disk when they are uploaded instead of holding them in memory.
 */
export const MAX_ATTACHMENT_DATA_BYTES = 20 * 1024 * 1024;

/** Local ids of conversations and turns (they name files: see src/ids.ts). */
export const LocalIdSchema = v.pipe(v.string(), v.regex(LOCAL_ID_PATTERN));
/** Coze's own ids (a bot, a conversation): digit strings. */
export const CozeIdSchema = v.pipe(v.string(), v.regex(COZE_ID_PATTERN));

/**
 * The chat names a chatflow (an askCoze.bots entry with a workflowId) by this prefix and its workflow id, so
 * that its key never collides with a bot id (src/chat/chatModel.ts).
 */
export const CHATFLOW_KEY_PREFIX = 'chatflow:';
/** What the chat's bot switch sends: a bot id, or a chatflow's key. */
export const ChatBotKeySchema = v.pipe(v.string(), v.regex(new RegExp(`^(?:${CHATFLOW_KEY_PREFIX})?${COZE_ID_PATTERN.source.slice(1, -1)}$`)));

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

/**
 * `reasoning` within MAX_REASONING: the start of a longer one, marked as cut. A reasoning that grows keeps
 * extending its bounded form (the views stream it by offsets, which needs that).
 */
export function boundReasoning(reasoning: string): string {
  return reasoning.length > MAX_REASONING ? `${reasoning.slice(0, MAX_REASONING)}\n\n…` : reasoning;
}

/** A model's reasoning as read back: bounded (cut, not dropped, when longer); no field when empty. */
export const ReasoningSchema = v.pipe(v.string(), v.nonEmpty(), v.transform(boundReasoning));

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
const MAX_NODE_TITLE = 200;
const MAX_NODES = 1000;

/**
 * What a workflow run adds to the answer panel. `nodes` says where in the state's `text` each node's output
 * starts, so that the panel draws the node titles itself, as headings apart from the (untrusted) Markdown.
 * Offsets that do not rise are dropped as a whole when read back.
 */
function WorkflowRunViewSchema() {
  return lenientObject({
    id: CozeIdSchema,
    name: v.pipe(v.string(), v.maxLength(MAX_NODE_TITLE)),
    nodes: v.fallback(
      v.pipe(
        v.array(v.object({ title: v.pipe(v.string(), v.maxLength(MAX_NODE_TITLE)), start: v.pipe(v.number(), v.integer(), v.minValue(0)) })),
        v.maxLength(MAX_NODES),
        v.check((nodes) => nodes.every((n, i) => i === 0 || n.start >= nodes[i - 1]!.start)),
      ),
      () => [],
    ),
    /** Coze's page of this run ("Open run in Coze"). */
    debugUrl: optionalField(v.pipe(v.string(), v.maxLength(MAX_LINK), v.check(isAllowedExternalLink))),
    /** The run waits at this node for the user's answer (the node's prompt is in the text). */
    waitingAt: optionalField(v.pipe(v.string(), v.maxLength(MAX_NODE_TITLE))),
    /** The user gave no answer at this node: the run stopped there. */
    stoppedAt: optionalField(v.pipe(v.string(), v.maxLength(MAX_NODE_TITLE))),
  });
}

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
      /**
       * Fixes shown as buttons in the panel, with their labels: only for a failure only a new key fixes (Set API
       * Key…, src/ask/keyFailure.ts); other failures offer theirs in the notification. Lazy: the schema is below.
       */
      actions: optionalField(
        v.pipe(v.array(v.object({ action: v.lazy(() => ChatFixActionSchema), label: v.pipe(v.string(), v.maxLength(200)) })), v.maxLength(10)),
      ),
    }),
  ),
  /** false: the panel offers no Retry under its failure (asking again with the same key cannot help). */
  canRetry: optionalField(v.boolean()),
  followUps: FollowUpsSchema,
  usage: optionalField(UsageSchema),
  botId: v.fallback(v.string(), ''),
  /** The bot's name as shown (src/bots/botNames.ts); the panel never shows a bare id when it has this. */
  botName: optionalField(v.pipe(v.string(), v.maxLength(200))),
  /** The Coze conversation this answer belongs to, so that follow-ups continue it. */
  conversationId: optionalField(CozeIdSchema),
  elapsedMs: optionalField(FiniteNumberSchema),
  /** A deep-thinking model's reasoning (Markdown, untrusted), shown apart from the answer; never part of `text`. */
  reasoning: optionalField(ReasoningSchema),
  /** How long the model thought before its answer began ("Thought for 4 s"); absent when not known. */
  reasoningMs: optionalField(FiniteNumberSchema),
  /** A workflow run (Coze: Run Workflow) rather than a question: `question` then holds its parameters. */
  workflow: optionalField(WorkflowRunViewSchema()),
});
export type AnswerViewState = v.InferOutput<typeof AnswerViewStateSchema>;
export type WorkflowRunView = NonNullable<AnswerViewState['workflow']>;

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
  const workflow = state.workflow && restoredWorkflow(state.workflow, state.text.length);
  return { ...state, phase: interrupted ? 'canceled' : state.phase, ...(workflow ? { workflow } : {}) };
}

/** A workflow restored after a reload waits for nobody: where it waited is where it stopped. */
function restoredWorkflow(workflow: WorkflowRunView, textLength: number): WorkflowRunView {
  const { waitingAt, ...rest } = workflow;
  const nodes = rest.nodes.every((n) => n.start <= textLength) ? rest.nodes : [];
  return waitingAt !== undefined ? { ...rest, nodes, stoppedAt: waitingAt } : { ...rest, nodes };
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
  /** The label of the question box when the panel shows a workflow run. */
  parameters: string;
  /** "Workflow {0}" on the meta line. */
  workflow: string;
  openRun: string;
  /** "Stopped at “{0}”…" */
  stoppedAt: string;
  /** "“{0}” is waiting for your answer." */
  waitingAt: string;
  /** The Thinking block's summary while the model reasons ("Thinking…"). */
  thinking: string;
  /** …once it has, when the time is known: "Thought for {0} s". */
  thoughtFor: string;
  /** …once it has, when the time is not known. */
  thoughts: string;
  /** A code block's Apply button, and its tooltip. */
  applyCode: string;
  applyCodeHint: string;
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
    /** Apply on a code block of the answer: the host shows the diff (src/apply/). */
    v.strictObject({ type: v.literal('applyCode'), code: text(MAX_WEBVIEW_STRING) }),
    /** A fix shown under the panel's failure (Set API Key…); the host runs only one the failure offers. */
    v.strictObject({ type: v.literal('fixAction'), action: v.lazy(() => ChatFixActionSchema) }),
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
  /** A deep-thinking model's reasoning so far (Markdown, untrusted), shown apart from the answer; absent when none. */
  reasoning?: string;
  /** How long the model thought before its answer began; absent while thinking or when not known. */
  reasoningMs?: number;
  /** Files sent with the question (names and sizes only). */
  attachments?: AttachmentView[];
  /** Retry is offered under the turn (src/chat/turnOutcome.ts offersRetry: the last turn, not a failure only a new key fixes). */
  canRetry?: boolean;
}

/** Coze's two kinds of attachment: an image item or a file item. */
export type AttachmentKind = 'file' | 'image';

/** A file shown as a chip: `size` is the host's "120 KB". */
export interface AttachmentView {
  name: string;
  bytes: number;
  size: string;
  kind: AttachmentKind;
}

/** A file attached in the composer, not sent yet; `id` removes it. */
export interface PendingAttachmentView extends AttachmentView {
  id: string;
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
  /** A chatflow (its id is then a chatflow key, CHATFLOW_KEY_PREFIX); absent: a bot. */
  kind?: 'bot' | 'chatflow';
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
  /** Files attached in the composer for the next question; the host keeps them while the view is hidden. */
  attachments: PendingAttachmentView[];
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
  /** The Thinking block's summary while the model reasons ("Thinking…"). */
  thinking: string;
  /** …once it has, when the time is known: "Thought for {0} s". */
  thoughtFor: string;
  /** …once it has, when the time is not known. */
  thoughts: string;
  /** The composer's attach button: its label, and its tooltip. */
  attach: string;
  attachHint: string;
  /** The list of attachment chips in the composer. */
  attachments: string;
  /** A chip's remove button: "Remove {0}". */
  removeAttachment: string;
  /** The chips of files sent with a question, in the transcript. */
  attachedFiles: string;
  /** The header's button that runs Coze: Select Bot (its label and tooltip). */
  selectBot: string;
  /** The history's search box: its label (and placeholder). */
  searchHistory: string;
  searching: string;
  searchNoMatches: string;
  /** "{0} matches", and "1 match" */
  searchMatches: string;
  searchOneMatch: string;
  /** "The first {0} matches are shown." */
  searchLimited: string;
  /** Where a match is: in the question, in the answer, in the title. */
  searchInQuestion: string;
  searchInAnswer: string;
  searchInTitle: string;
  /** A history item's Export button. */
  exportConversation: string;
  /** The transcript's buttons that bring older (newer) turns of a long conversation in: "Show {0} earlier turns". */
  earlierTurns: string;
  laterTurns: string;
  /** A code block's Apply button, and its tooltip. */
  applyCode: string;
  applyCodeHint: string;
}

export type HostToChatView =
  | { type: 'state'; state: ChatViewState }
  /** Streamed text of a turn: `append` goes after the first `offset` characters the view already has. */
  | {
      type: 'progress';
      turnId: string;
      offset: number;
      append: string;
      status: ChatTurnStatus;
      statusText?: string;
      /** Streamed reasoning, the same way: `reasoningAppend` goes after the first `reasoningOffset` characters. */
      reasoningOffset?: number;
      reasoningAppend?: string;
      /** Set once the answer has begun after the reasoning. */
      reasoningMs?: number;
    }
  /** Puts text into the input (Ask Coze in Chat), after any draft, and focuses it. */
  | { type: 'insertInput'; text: string }
  | { type: 'focusInput' }
  | { type: 'showHistory'; show: boolean }
  /** Hits of the history search `searchId`, as they are found; `done` ends it (`limited`: stopped at its bound). */
  | { type: 'searchResults'; searchId: number; hits: SearchHitView[]; done: boolean; limited?: boolean }
  /** Shows this turn of that conversation (a search result picked outside the view), once it is the one shown. */
  | { type: 'revealTurn'; conversationId: string; turnId: string; query?: string };

/** One hit of the history search (src/chat/historySearch.ts): the snippet is plain text around the match. */
export interface SearchHitView {
  conversationId: string;
  title: string;
  updatedAt: number;
  /** Absent when only the title matched. */
  turnId?: string;
  field: 'title' | 'question' | 'answer';
  before: string;
  match: string;
  after: string;
}

/** The longest query the history search takes from a webview (longer queries are cut: src/chat/searchText.ts). */
export const MAX_SEARCH_QUERY_INPUT = 1000;

export const ChatViewToHostSchema = v.pipe(
  WebviewMessageSchema,
  v.variant('type', [
    v.strictObject({ type: v.literal('ready') }),
    v.strictObject({
      type: v.literal('send'),
      text: typedText(MAX_QUESTION),
      /** The attachment chips shown when Send was pressed: exactly these go with the question. */
      attachmentIds: v.optional(v.pipe(v.array(LocalIdSchema), v.maxLength(MAX_ATTACHMENTS))),
    }),
    v.strictObject({ type: v.literal('stop') }),
    v.strictObject({ type: v.literal('retry'), turnId: LocalIdSchema }),
    v.strictObject({ type: v.literal('newChat') }),
    v.strictObject({ type: v.literal('openConversation'), id: LocalIdSchema }),
    v.strictObject({ type: v.literal('renameConversation'), id: LocalIdSchema, title: typedText(MAX_CHAT_TITLE) }),
    v.strictObject({ type: v.literal('deleteConversation'), id: LocalIdSchema }),
    v.strictObject({ type: v.literal('selectBot'), botId: ChatBotKeySchema }),
    /** The header's Select Bot button: the host runs Coze: Select Bot (the workspaces and bots on Coze). */
    v.strictObject({ type: v.literal('openBotPicker') }),
    v.strictObject({ type: v.literal('fixAction'), action: ChatFixActionSchema }),
    v.strictObject({ type: v.literal('copy'), text: text(MAX_WEBVIEW_STRING) }),
    v.strictObject({ type: v.literal('insertCode'), code: text(MAX_WEBVIEW_STRING) }),
    /** Apply on a code block of the answer of turn `turnId`: the host shows the diff (src/apply/). */
    v.strictObject({ type: v.literal('applyCode'), code: text(MAX_WEBVIEW_STRING), turnId: LocalIdSchema }),
    v.strictObject({ type: v.literal('openLink'), href: text(MAX_LINK) }),
    // Attachments (src/chat/pendingAttachments.ts). 'pick' lets the host ask (current file or files from disk).
    v.strictObject({ type: v.literal('attach'), source: v.picklist(['pick', 'activeFile']) }),
    /** A pasted or dropped file's bytes; the webview picks the id (its thumbnail is keyed by it). */
    v.strictObject({
      type: v.literal('attachData'),
      id: LocalIdSchema,
      name: text(MAX_LINK),
      mime: text(200),
      data: v.pipe(v.instance(Uint8Array), v.check((data) => data.byteLength <= MAX_ATTACHMENT_DATA_BYTES)),
    }),
    /** Files dragged from VS Code (the explorer, an editor tab): their URIs, read by the host. */
    v.strictObject({ type: v.literal('attachUris'), uris: v.pipe(v.array(text(MAX_LINK)), v.nonEmpty(), v.maxLength(MAX_ATTACHMENTS)) }),
    /** A pasted or dropped file the webview could not hand over, for the host to say why. */
    v.strictObject({ type: v.literal('attachRefused'), name: text(MAX_LINK), bytes: v.pipe(FiniteNumberSchema, v.minValue(0)), reason: v.picklist(['tooLarge', 'unreadable']) }),
    v.strictObject({ type: v.literal('removeAttachment'), id: LocalIdSchema }),
    /** The history's search box: a new search replaces the one running; an empty query only stops it. */
    v.strictObject({ type: v.literal('searchHistory'), query: text(MAX_SEARCH_QUERY_INPUT), searchId: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) }),
    /** A history item's Export button (Coze: Export Conversation as Markdown). */
    v.strictObject({ type: v.literal('exportConversation'), id: LocalIdSchema }),
  ]),
);
export type ChatViewToHost = v.InferOutput<typeof ChatViewToHostSchema>;

/**
 * The conversation named by the argument of Coze: Export Conversation as Markdown: its local id, or
 * `{ conversationId }` (the history's Export button); undefined (the open conversation) for anything else.
 */
export function parseConversationArg(arg: unknown): string | undefined {
  const result = v.safeParse(v.union([LocalIdSchema, v.pipe(v.object({ conversationId: LocalIdSchema }), v.transform((a) => a.conversationId))]), arg);
  return result.success ? result.output : undefined;
}

/** Validates a message from the chat webview; undefined for anything malformed (unknown type, extra keys…). */
export function parseChatViewMessage(raw: unknown): ChatViewToHost | undefined {
  const result = v.safeParse(ChatViewToHostSchema, raw, FIRST_ISSUE);
  return result.success ? result.output : undefined;
}
