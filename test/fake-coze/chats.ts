// The server's chat state: conversations, chats, their status on the server's clock, and their messages.

import { type FakeBehavior } from './behavior';
import { scriptFor, type Script } from './answers';
import type { ChatJson, ChatSnapshot, ChatStatus, CozeError, FinalStatus, MessageJson, MessageType, RequiredAction, Usage } from './types';
import { type IdFactory, type Timers, unixSeconds } from './util';
import type { ContentItem } from './files';

export interface Conversation {
  id: string;
  sectionId: string;
  chatIds: string[];
}

/** All messages a chat can produce, with ids fixed at creation so the stream and message/list agree. */
export interface PlannedMessages {
  extras: MessageJson[];
  answers: MessageJson[];
  verbose: MessageJson;
  followUps: MessageJson[];
  functionCall: MessageJson;
}

export interface ChatRecord {
  readonly id: string;
  readonly conversationId: string;
  readonly sectionId: string;
  readonly botId: string;
  readonly userId: string;
  readonly question: string;
  readonly stream: boolean;
  readonly createdAt: number;
  /** The behavior when the chat was created: later setBehavior() calls don't change a running chat. */
  readonly behavior: FakeBehavior;
  readonly script: Script;
  readonly planned: PlannedMessages;
  readonly plannedUsage: Usage;
  readonly requiredAction: RequiredAction;
  readonly metaData: Record<string, string>;
  readonly conversationIdInBody?: unknown;
  /** The question's object_string items; a chatflow's workflow_id / parameters / app_id. */
  readonly contentItems?: ContentItem[];
  readonly chatflow?: ChatflowInfo;
  status: ChatStatus;
  canceled: boolean;
  clientDisconnected: boolean;
  completedAt?: number;
  failedAt?: number;
  lastError: CozeError;
  /** Stored messages (what message/list can see), in arrival order. */
  messages: MessageJson[];
  completionTimer?: NodeJS.Timeout;
}

export interface NewChat {
  conversation: Conversation;
  botId: string;
  userId: string;
  question: string;
  stream: boolean;
  behavior: FakeBehavior;
  metaData: Record<string, string>;
  conversationIdInBody?: unknown;
  contentItems?: ContentItem[];
  chatflow?: ChatflowInfo;
}

export interface ChatflowInfo {
  workflowId: string;
  parameters?: Record<string, unknown>;
  appId?: string;
}

const OK: CozeError = { code: 0, msg: '' };

/**
 * How Studio spells the final statuses it has no cloud spelling for (docs/coze-api.md#chat-statuses): its cancel
 * stores the event name as the status; `required_action` is its constant's spelling.
 */
const STUDIO_STATUS: Partial<Record<ChatStatus, string>> = { canceled: 'conversation.chat.cancelled', requires_action: 'required_action' };

/** A status as this chat's server writes it on the wire. */
export function wireStatus(behavior: FakeBehavior, status: ChatStatus): string {
  return behavior.statusAs?.[status] ?? (behavior.dialect === 'studio' ? STUDIO_STATUS[status] : undefined) ?? status;
}

export function isFinal(status: ChatStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'requires_action' || status === 'canceled';
}

/** Rough token estimate (≈4 code points per token): good enough for plausible usage numbers. */
function tokens(text: string): number {
  return Math.ceil(Array.from(text).length / 4);
}

/**
 * message/list order, as in the docs' own example: verbose FIRST, then tool steps, then answers, then follow-ups.
 * A client that takes "the last message" or "the first" as the answer picks the wrong one
 * (docs/coze-api.md#pick-by-type-not-by-position).
 */
const LIST_RANK: Partial<Record<MessageType, number>> = { verbose: 0, answer: 2, follow_up: 3 };
const rank = (m: MessageJson): number => LIST_RANK[m.type] ?? 1;

export class ChatStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly chats = new Map<string, ChatRecord>();

  constructor(
    private readonly ids: IdFactory,
    private readonly timers: Timers,
  ) {}

  createConversation(): Conversation {
    const conversation: Conversation = { id: this.ids.id(), sectionId: this.ids.id(), chatIds: [] };
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  conversation(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  /** One conversation runs one chat at a time: a second one gets 4016. */
  isBusy(conversation: Conversation): boolean {
    return conversation.chatIds.some((id) => {
      const chat = this.chats.get(id);
      return chat !== undefined && !isFinal(chat.status);
    });
  }

  create(n: NewChat): ChatRecord {
    const id = this.ids.id();
    const now = unixSeconds();
    const script = scriptFor(n.question, n.conversation.chatIds.length + 1, n.behavior);
    const base = { conversation_id: n.conversation.id, bot_id: n.botId, chat_id: id, section_id: n.conversation.sectionId };
    const message = (type: MessageType, content: string, extra: Partial<MessageJson> = {}): MessageJson => ({
      id: this.ids.id(),
      ...base,
      role: 'assistant',
      type,
      content,
      content_type: 'text',
      created_at: now,
      updated_at: now,
      meta_data: {},
      ...extra,
    });
    const requiredAction: RequiredAction = n.behavior.requiredAction ?? {
      type: 'submit_tool_outputs',
      submit_tool_outputs: {
        tool_calls: [{ id: `call_${this.ids.id()}`, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Beijing"}' } }],
      },
    };
    const firstCall = requiredAction.submit_tool_outputs.tool_calls[0];
    const planned: PlannedMessages = {
      extras: n.behavior.extraMessages.map((m) =>
        message(m.type, m.content, { content_type: m.content_type ?? 'text', role: m.role ?? 'assistant' }),
      ),
      answers: script.answers.map((a, i) =>
        message('answer', a, i === 0 && n.behavior.reasoning !== undefined ? { reasoning_content: n.behavior.reasoning } : {}),
      ),
      // The real verbose packet: JSON in content, whose data is itself a JSON string.
      verbose: message(
        'verbose',
        JSON.stringify({ msg_type: 'generate_answer_finish', data: JSON.stringify({ finish_reason: 0, FinData: '' }), from_module: null, from_unit: null }),
      ),
      followUps: script.followUps.map((f) => message('follow_up', f)),
      functionCall: message(
        'function_call',
        JSON.stringify({ name: firstCall?.function.name ?? 'tool', arguments: safeParse(firstCall?.function.arguments ?? '{}'), plugin_id: this.ids.id() }),
      ),
    };
    const output = tokens(script.answers.join('')) + tokens(script.followUps.join(''));
    const input = tokens(n.question) + 48;
    const plannedUsage: Usage = {
      output_count: output,
      input_count: input,
      token_count: output + input,
      ...n.behavior.usage,
    };
    if (n.behavior.usage && n.behavior.usage.token_count === undefined) {
      plannedUsage.token_count = plannedUsage.output_count + plannedUsage.input_count;
    }
    const chat: ChatRecord = {
      id,
      conversationId: n.conversation.id,
      sectionId: n.conversation.sectionId,
      botId: n.botId,
      userId: n.userId,
      question: n.question,
      stream: n.stream,
      createdAt: now,
      behavior: n.behavior,
      script,
      planned,
      plannedUsage,
      requiredAction,
      metaData: n.metaData,
      conversationIdInBody: n.conversationIdInBody,
      status: 'created',
      canceled: false,
      clientDisconnected: false,
      lastError: OK,
      messages: [],
    };
    if (n.conversationIdInBody === undefined) delete (chat as { conversationIdInBody?: unknown }).conversationIdInBody;
    if (n.contentItems) (chat as { contentItems?: ContentItem[] }).contentItems = n.contentItems;
    if (n.chatflow) (chat as { chatflow?: ChatflowInfo }).chatflow = n.chatflow;
    this.chats.set(id, chat);
    n.conversation.chatIds.push(id);
    return chat;
  }

  get(id: string): ChatRecord | undefined {
    return this.chats.get(id);
  }

  /** The chat only if it belongs to that conversation (retrieve/list/cancel take both ids). */
  find(conversationId: string, chatId: string): ChatRecord | undefined {
    const chat = this.chats.get(chatId);
    return chat && chat.conversationId === conversationId ? chat : undefined;
  }

  all(): ChatRecord[] {
    return [...this.chats.values()];
  }

  setInProgress(chat: ChatRecord): void {
    if (chat.status === 'created') chat.status = 'in_progress';
  }

  /** Non-stream chats (and streams whose client left) reach their final status on the server's clock. */
  scheduleCompletion(chat: ChatRecord, ms: number): void {
    this.timers.clear(chat.completionTimer);
    chat.completionTimer = this.timers.set(() => this.finish(chat), ms);
  }

  /** Stores a message (once); the stream does this as each message completes. */
  store(chat: ChatRecord, message: MessageJson): void {
    if (chat.messages.some((m) => m.id === message.id)) return;
    const now = unixSeconds();
    chat.messages.push({ ...message, created_at: now, updated_at: now });
  }

  /**
   * Moves the chat to its final status and stores the messages that status produces. A chat already final (in
   * particular a canceled one) stays as it is: a scheduled completion must not override a cancel.
   */
  finish(chat: ChatRecord, status: FinalStatus = chat.behavior.finalStatus, error: CozeError = chat.behavior.lastError): void {
    this.timers.clear(chat.completionTimer);
    delete chat.completionTimer;
    if (isFinal(chat.status)) return;
    for (const m of this.messagesFor(chat, status)) this.store(chat, m);
    chat.status = status;
    if (status === 'completed') chat.completedAt = unixSeconds();
    if (status === 'failed') {
      chat.failedAt = unixSeconds();
      chat.lastError = { ...error };
    }
  }

  /** The messages a chat ending in `status` has, in stream order. */
  messagesFor(chat: ChatRecord, status: FinalStatus): MessageJson[] {
    const p = chat.planned;
    switch (status) {
      case 'completed':
        return [...p.extras, ...p.answers, p.verbose, ...p.followUps];
      case 'requires_action':
        // A chatflow's Question node asks in an answer message; a bot's tool call is a function_call.
        return chat.chatflow ? [...p.extras, ...p.answers] : [...p.extras, p.functionCall];
      default:
        return [...p.extras];
    }
  }

  /** created/in_progress → canceled. 'final' when the chat already ended (Coze answers 4104). */
  cancel(chat: ChatRecord): 'canceled' | 'final' {
    if (isFinal(chat.status)) return 'final';
    this.timers.clear(chat.completionTimer);
    delete chat.completionTimer;
    chat.status = 'canceled';
    chat.canceled = true;
    return 'canceled';
  }

  /**
   * The Chat object; `as` renders it with another status (the stream's planned events). Studio writes 0 for the
   * unset timestamps and never fills in last_error, meta_data or required_action (docs/coze-api.md#the-chat-object).
   */
  chatJson(chat: ChatRecord, as: ChatStatus = chat.status): ChatJson {
    const studio = chat.behavior.dialect === 'studio';
    const json: ChatJson = {
      id: chat.id,
      conversation_id: chat.conversationId,
      bot_id: chat.botId,
      created_at: chat.createdAt,
      meta_data: studio ? {} : { ...chat.metaData },
      last_error: { ...OK },
      status: wireStatus(chat.behavior, as),
      section_id: chat.sectionId,
    };
    if (studio) {
      json.completed_at = 0;
      json.failed_at = 0;
    }
    if (as === 'completed') {
      json.completed_at = chat.completedAt ?? unixSeconds();
      json.usage = { ...chat.plannedUsage };
    } else if (as === 'failed') {
      json.failed_at = chat.failedAt ?? unixSeconds();
      if (!studio) json.last_error = chat.status === 'failed' ? { ...chat.lastError } : { ...chat.behavior.lastError };
    } else if (as === 'requires_action' && !studio) {
      json.required_action = structuredClone(chat.requiredAction);
    }
    return json;
  }

  /** message/list data: stored messages in the documented order (verbose first). */
  listMessages(chat: ChatRecord): MessageJson[] {
    return chat.messages
      .map((m, i) => ({ m, i }))
      .sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i)
      .map(({ m }) => ({ ...m, meta_data: { ...m.meta_data } }));
  }

  snapshot(chat: ChatRecord): ChatSnapshot {
    const s: ChatSnapshot = {
      id: chat.id,
      conversationId: chat.conversationId,
      sectionId: chat.sectionId,
      botId: chat.botId,
      userId: chat.userId,
      question: chat.question,
      stream: chat.stream,
      status: chat.status,
      canceled: chat.canceled,
      clientDisconnected: chat.clientDisconnected,
      createdAt: chat.createdAt,
      lastError: { ...chat.lastError },
      answers: [...chat.script.answers],
      followUps: [...chat.script.followUps],
      messages: this.listMessages(chat),
    };
    if (chat.completedAt !== undefined) s.completedAt = chat.completedAt;
    if (chat.failedAt !== undefined) s.failedAt = chat.failedAt;
    if (chat.status === 'completed') s.usage = { ...chat.plannedUsage };
    if (chat.conversationIdInBody !== undefined) s.conversationIdInBody = chat.conversationIdInBody;
    if (chat.contentItems) s.contentItems = structuredClone(chat.contentItems);
    if (chat.chatflow) {
      s.workflowId = chat.chatflow.workflowId;
      if (chat.chatflow.parameters) s.parameters = structuredClone(chat.chatflow.parameters);
      if (chat.chatflow.appId) s.appId = chat.chatflow.appId;
    }
    return s;
  }

  /** Forgets everything and clears the completion timers. */
  clear(): void {
    for (const chat of this.chats.values()) this.timers.clear(chat.completionTimer);
    this.chats.clear();
    this.conversations.clear();
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
