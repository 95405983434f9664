// Wire types of the fake Coze server (the subset of Coze Open API v3 chat it speaks) and its recording types.
// Field names are Coze's own snake_case, see docs/coze-api.md.

import type { ContentItem } from './files';

/** Exactly as Coze spells it: "canceled" with one "l". */
export type ChatStatus = 'created' | 'in_progress' | 'completed' | 'failed' | 'requires_action' | 'canceled';

/** The statuses a run can end in. All four are final for a poller. */
export type FinalStatus = 'completed' | 'failed' | 'requires_action' | 'canceled';

export type MessageType =
  | 'answer'
  | 'function_call'
  | 'tool_output'
  | 'tool_response'
  | 'follow_up'
  | 'verbose'
  | 'knowledge';

export type ContentType = 'text' | 'object_string' | 'card' | 'audio';

export interface CozeError {
  code: number;
  msg: string;
}

export interface Usage {
  token_count: number;
  output_count: number;
  input_count: number;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface RequiredAction {
  type: 'submit_tool_outputs';
  submit_tool_outputs: { tool_calls: ToolCall[] };
}

/** The Chat object (data of /v3/chat, retrieve, cancel and of the conversation.chat.* events). */
export interface ChatJson {
  id: string;
  conversation_id: string;
  bot_id: string;
  created_at: number;
  completed_at?: number;
  failed_at?: number;
  meta_data: Record<string, string>;
  last_error: CozeError;
  /** A ChatStatus, or its Studio spelling (`conversation.chat.cancelled`, `required_action`, see FakeBehavior.statusAs). */
  status: string;
  required_action?: RequiredAction;
  usage?: Usage;
  section_id: string;
}

/** A Message (items of message/list, data of conversation.message.* events). */
export interface MessageJson {
  id: string;
  conversation_id: string;
  bot_id: string;
  chat_id: string;
  role: 'assistant' | 'user' | 'tool';
  type: MessageType;
  content: string;
  content_type: ContentType;
  created_at: number;
  updated_at: number;
  meta_data: Record<string, string>;
  section_id: string;
  reasoning_content?: string;
}

/** Which API a request was for. 'other' = anything the server answers 404 to. */
export type Endpoint = 'chat' | 'retrieve' | 'list' | 'cancel' | 'other'
  /** POST /v1/workflow/run, /v1/workflow/stream_run, /v1/workflow/stream_resume (workflows.ts). */
  | 'workflowRun'
  | 'workflowStream'
  | 'workflowResume'
  /** GET /v1/workspaces, GET /v1/bots, GET /v1/bots/:id (catalog.ts); POST /v1/files/upload (files.ts). */
  | 'workspaces'
  | 'bots'
  | 'bot'
  | 'upload'
  /** POST /v1/workflows/chat: a chatflow's chat, streamed like /v3/chat. */
  | 'chatflow';

export type AuthOutcome = 'ok' | 'missing' | 'invalid' | 'expired' | 'forbidden';

/** One API request as the server saw it. Control-API calls (/__fake/*) are not recorded. */
export interface RecordedRequest {
  method: string;
  /** Pathname only, e.g. /v3/chat/retrieve. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names. In-process the authorization value is kept; GET /__fake/requests redacts it. */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when it is not JSON; absent when the body was empty. */
  body?: unknown;
  /**
   * performance.now() of the server's process when the request arrived (monotonic ms). Only differences between
   * two requests are meaningful (e.g. to check poll pacing); it is not comparable with Date.now().
   */
  startedAt: number;
  endpoint: Endpoint;
  /** POST /v3/chat with "stream": true. */
  stream: boolean;
  hasAuthorization: boolean;
  /** How authentication went; absent when a fault answered before the auth check. */
  auth?: AuthOutcome;
  /** The kind of the fault that was applied to this request, if any. */
  fault?: string;
  /** HTTP status sent; absent while pending and for reset/hang faults. */
  status?: number;
  /** Body `code` sent (JSON answers only). */
  code?: number;
  /** The logid sent, if any: the x-tt-logid header (cloud) or X-Log-ID (Studio). */
  logid?: string;
  /** The chat created (POST /v3/chat) or addressed (retrieve/list/cancel). */
  chatId?: string;
  /**
   * `conversation_id` found in a /v3/chat BODY. Coze ignores it there (it belongs in the query string), and so
   * does this server; recorded so tests can catch a client that sends it in the wrong place.
   */
  conversationIdInBody?: unknown;
  /** A workflow stream (workflows.ts) whose client closed the connection before the stream ended: true. */
  clientDisconnected?: boolean;
}

/** The server's view of one chat, for assertions. */
export interface ChatSnapshot {
  id: string;
  conversationId: string;
  sectionId: string;
  botId: string;
  userId: string;
  question: string;
  stream: boolean;
  status: ChatStatus;
  /** True when POST /v3/chat/cancel canceled it. */
  canceled: boolean;
  /** True when a stream's connection closed before the stream ended (the client left, or a reset-mid-stream fault). */
  clientDisconnected: boolean;
  createdAt: number;
  completedAt?: number;
  failedAt?: number;
  lastError: CozeError;
  usage?: Usage;
  /** What the bot answers when (or if) it completes. */
  answers: string[];
  followUps: string[];
  /** Messages stored so far, in message/list order. */
  messages: MessageJson[];
  conversationIdInBody?: unknown;
  /** The question's object_string items, parsed (absent for a text question). */
  contentItems?: ContentItem[];
  /** A chatflow's chat (POST /v1/workflows/chat): its workflow_id, parameters and app_id as sent. */
  workflowId?: string;
  parameters?: Record<string, unknown>;
  appId?: string;
}
