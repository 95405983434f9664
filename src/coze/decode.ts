// Decoding Coze's replies: a JSON body into `data` or a CozeError, and the errors for replies that are not Coze.
// Pure functions (no I/O), so they can be fuzzed (test/unit/decoders.fuzz.test.ts).
//
// Rules (docs/coze-api.md#errors):
// - HTTP status and body `code` don't always agree (401 + 4100, 200 + 4009): the body code decides when there is
//   one; the status only matters for bodies without a code.
// - gateways answer 429/502/503/504 with HTML or empty bodies: never parse those as Coze, never show them.
// - Coze Studio's envelopes differ (docs/coze-api.md#coze-studio): message/list has its list under `Messages`,
//   the cancel reply is `{"ChatV3ChatDetail":…}` without `code` or `data`.

import { STATUS_CODES } from 'node:http';
import { CozeError, apiErrorMessage, shortMsg } from './errors';
import { RETRY_CODES, RETRY_STATUSES } from './retryPolicy';

/** What is known about a reply before its body: enough to word an error. */
export interface ReplyMeta {
  status: number;
  contentType: string;
  logId: string | undefined;
}

// Which codes and statuses are worth another try is the retry policy's to say (src/coze/retryPolicy.ts).

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `data` of a `code: 0` reply with a 2xx status; otherwise throws a CozeError (api, network or protocol). */
export function decodeCozeJson(meta: ReplyMeta, text: string, redact: (s: string) => string): { data: unknown; logId: string | undefined } {
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed) && typeof parsed.code === 'number') {
    const logId = meta.logId ?? bodyLogId(parsed);
    if (parsed.code !== 0) throw apiError(parsed.code, parsed.msg, logId, meta.status, redact);
    if (meta.status >= 200 && meta.status < 300) {
      const data = parsed.data === undefined || parsed.data === null ? (parsed.Messages ?? parsed.data) : parsed.data;
      return { data, logId };
    }
  }
  if (isRecord(parsed) && parsed.code === undefined && isRecord(parsed.ChatV3ChatDetail) && meta.status >= 200 && meta.status < 300) {
    return { data: parsed.ChatV3ChatDetail, logId: meta.logId };
  }
  throw httpError(meta, text === '' ? 'empty' : 'unreadable');
}

/** The error for a non-zero body code: Coze's code, msg (shortened, redacted) and logid, plus a hint when known. */
export function apiError(code: number, msg: unknown, logId: string | undefined, httpStatus: number | undefined, redact: (s: string) => string): CozeError {
  const m = redact(shortMsg(msg));
  return new CozeError('api', apiErrorMessage(code, m, logId), {
    code,
    logId,
    cozeMessage: m,
    httpStatus,
    // 4016 (conversation busy): trying again once the other chat ends helps; the transport retries it only
    // when asked (ApiRequest.retryBusy), the flows wait for a chat they know (busy.ts).
    retryable: RETRY_CODES.has(code) || code === 4016,
  });
}

/** Builds the error for a reply without a Coze code: names the HTTP status, never the body. */
export function httpError(meta: ReplyMeta, bodyKind: 'empty' | 'unreadable' | 'unexpected'): CozeError {
  const status = meta.status;
  const statusText = STATUS_CODES[status] ?? '';
  const label = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const log = meta.logId ? ` (logid ${meta.logId})` : '';
  const what =
    bodyKind === 'empty' ? 'an empty body' : bodyKind === 'unexpected' ? `an unexpected ${shortType(meta.contentType)}` : 'a body that is not Coze JSON';
  if (RETRY_STATUSES.has(status)) {
    return new CozeError('network', `Coze is unavailable: ${label} with ${what}${log}.`, { httpStatus: status, logId: meta.logId, retryable: true });
  }
  let hint = '';
  if (status === 401 || status === 403) hint = ' Check the API token and the region.';
  else if (status === 404) hint = ' Check the base URL.';
  return new CozeError('protocol', `Unexpected reply from Coze: ${label} with ${what}${log}.${hint}`, {
    httpStatus: status,
    logId: meta.logId,
    retryable: false,
  });
}

/** A content type as the server sent it is untrusted text: keep a short, printable form. */
function shortType(contentType: string): string {
  const t = contentType.split(';')[0]!.trim().replace(/[^\w.+/-]/g, '').slice(0, 60);
  return t || 'reply';
}

function bodyLogId(body: Record<string, unknown>): string | undefined {
  const d = body.detail;
  return isRecord(d) && typeof d.logid === 'string' && d.logid ? d.logid : undefined;
}
