// Public types of the Coze client. Plain Node: nothing in src/coze imports 'vscode'.

export type ResponseMode = 'poll' | 'stream';

/** Chat status exactly as Coze spells it (note: "canceled", one "l"). */
export type ChatStatus = 'created' | 'in_progress' | 'completed' | 'failed' | 'requires_action' | 'canceled';

export interface CozeClientOptions {
  /** e.g. https://api.coze.cn. http: is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost). */
  baseUrl: string;
  token: string;
  botId: string;
  userId: string;
  /** Minimum gap between the starts of any two requests, client-wide. Default 500. */
  minIntervalMs?: number;
  /** Retries after the first attempt on 500/502/503/504 and connection failures. Default 5 (= 6 attempts). */
  maxRetries?: number;
  /** Retry n (0-based) waits retryBaseMs * 2^n. Default 500. */
  retryBaseMs?: number;
  /** Gap between two GET /v3/chat/retrieve calls. Default 1000 (Coze's advice; each poll is a billed call). */
  pollIntervalMs?: number;
  /** Per HTTP request: connect, headers, and silence between body chunks. Default 30 000. */
  requestTimeoutMs?: number;
  /** The whole question, all requests and waits included. Default 300 000. */
  maxWaitMs?: number;
  /** Called once per HTTP attempt, for the log. Never receives the token. */
  onRequestLog?: (entry: RequestLogEntry) => void;
  /** Advanced: an undici Dispatcher to use instead of the client's own pool (proxies, tests). */
  dispatcher?: import('undici').Dispatcher;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query, e.g. /v3/chat/retrieve?conversation_id=..&chat_id=.. */
  path: string;
  /** HTTP status, absent when no response arrived. */
  status?: number;
  /** Coze body code, when the body was JSON and had one. */
  code?: number;
  durationMs: number;
  logId?: string;
  /** 0 for the first try, 1.. for retries. */
  attempt: number;
  /** Short description of a transport failure (no token, no body). */
  error?: string;
  /** True when another attempt follows this one. */
  willRetry?: boolean;
}

export interface AskOptions {
  mode?: ResponseMode;
  /** Continue this Coze conversation (sent in the query string, never the body). */
  conversationId?: string;
  signal?: AbortSignal;
  onProgress?: (progress: AskProgress) => void;
}

export interface AskProgress {
  status: ChatStatus;
  elapsedMs: number;
  /** The answer so far (answers joined by a blank line). */
  text: string;
  conversationId?: string;
  chatId?: string;
}

export interface CozeUsage {
  tokenCount: number;
  outputCount: number;
  inputCount: number;
}

export interface CozeAnswer {
  /** The answers joined by a blank line. */
  text: string;
  answers: string[];
  followUps: string[];
  conversationId: string;
  chatId: string;
  usage?: CozeUsage;
}

export type CozeErrorKind =
  | 'network'
  | 'timeout'
  | 'api'
  | 'protocol'
  | 'canceled'
  | 'chat-failed'
  | 'requires-action';
