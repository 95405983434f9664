// The messages between the extension and its webviews: one typed definition both sides import, and one
// validator the extension runs on everything a webview sends (a webview renders untrusted bot output, so
// its messages are treated as untrusted input too).

/** What the answer panel shows. Sent whole on every update; the webview renders only what changed. */
export interface AnswerViewState {
  question: string;
  /** The answer so far, Markdown. */
  text: string;
  phase: 'waiting' | 'streaming' | 'done' | 'failed' | 'canceled';
  /** Localized status line while waiting ("in_progress · 3 s"). */
  statusText?: string;
  error?: { message: string; code?: number; logId?: string };
  followUps: string[];
  usage?: { tokenCount: number; outputCount: number; inputCount: number };
  botId: string;
  /** The Coze conversation this answer belongs to, so that follow-ups continue it. */
  conversationId?: string;
  elapsedMs?: number;
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
}

export type HostToAnswerView = { type: 'state'; state: AnswerViewState };

export type AnswerViewToHost =
  | { type: 'ready' }
  | { type: 'openLink'; href: string }
  | { type: 'copy'; text: string }
  | { type: 'askFollowUp'; question: string }
  | { type: 'retry' };

/** Upper bound on any string a webview may send; a copied answer can be large, but not unbounded. */
export const MAX_WEBVIEW_STRING = 5_000_000;
const MAX_LINK = 8_192;
const MAX_QUESTION = 100_000;

function isString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** Returns the message when it is well formed, otherwise undefined (and the caller drops it). */
export function parseAnswerViewMessage(raw: unknown): AnswerViewToHost | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const msg = raw as Record<string, unknown>;
  const keys = Object.keys(msg);
  const only = (...allowed: string[]) => keys.every((k) => allowed.includes(k));
  switch (msg.type) {
    case 'ready':
    case 'retry':
      return only('type') ? { type: msg.type } : undefined;
    case 'openLink':
      return only('type', 'href') && isString(msg.href, MAX_LINK) ? { type: 'openLink', href: msg.href } : undefined;
    case 'copy':
      return only('type', 'text') && isString(msg.text, MAX_WEBVIEW_STRING) ? { type: 'copy', text: msg.text } : undefined;
    case 'askFollowUp':
      return only('type', 'question') && isString(msg.question, MAX_QUESTION) && msg.question.trim() !== ''
        ? { type: 'askFollowUp', question: msg.question }
        : undefined;
    default:
      return undefined;
  }
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
