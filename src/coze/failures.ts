// Every way a request can fail before Coze answers with a body, turned into a CozeError whose message says what
// is wrong and whose `reason` says it for code: timeouts (requestTimer.ts), refused or broken connections, DNS,
// the proxy (refused, 407, other CONNECT statuses) and TLS certificate problems (self-signed, unknown issuer,
// wrong host name, expired). Never a silent downgrade: certificate problems fail, and are not retried.

import { STATUS_CODES } from 'node:http';
import type { ProxyRoute } from './dispatcher';
import { CozeError, shortMsg } from './errors';
import type { AttemptLimits, AttemptPhase } from './requestTimer';
import type { CozeErrorReason } from './types';

export interface FailureContext {
  baseUrl: URL;
  proxy: ProxyRoute | undefined;
  limits: AttemptLimits;
  /** The client built the dispatcher (so undici's connect timeout is ours, only later). */
  ownDispatcher: boolean;
  redact: (s: string) => string;
}

/** Connection failures before any response: safe to retry for any method. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Node/OpenSSL certificate verification codes → what to tell the user. */
const TLS_PROBLEMS: Record<string, { reason: CozeErrorReason; what: string }> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: { reason: 'tls-self-signed', what: 'it is self-signed' },
  SELF_SIGNED_CERT_IN_CHAIN: { reason: 'tls-self-signed', what: 'its chain ends in a self-signed root certificate that is not trusted' },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { reason: 'tls-unknown-issuer', what: 'it is issued by a certificate authority that is not trusted' },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { reason: 'tls-unknown-issuer', what: 'it is issued by a certificate authority that is not trusted' },
  UNABLE_TO_GET_ISSUER_CERT: { reason: 'tls-unknown-issuer', what: 'its issuer certificate is unknown' },
  CERT_UNTRUSTED: { reason: 'tls-unknown-issuer', what: 'its certificate authority is not trusted for this purpose' },
  ERR_TLS_CERT_ALTNAME_INVALID: { reason: 'tls-hostname-mismatch', what: 'it was issued for another host name' },
  CERT_HAS_EXPIRED: { reason: 'tls-expired', what: 'it has expired (check the computer’s date too)' },
  CERT_NOT_YET_VALID: { reason: 'tls-expired', what: 'it is not valid yet (check the computer’s date)' },
  CERT_REVOKED: { reason: 'tls-untrusted', what: 'it has been revoked' },
  CERT_SIGNATURE_FAILURE: { reason: 'tls-untrusted', what: 'its signature is invalid' },
  CERT_CHAIN_TOO_LONG: { reason: 'tls-untrusted', what: 'its certificate chain is too long' },
  INVALID_CA: { reason: 'tls-untrusted', what: 'its chain contains an invalid CA certificate' },
  CERT_REJECTED: { reason: 'tls-untrusted', what: 'its certificate authority rejects this use' },
};

/** The error for a phase of an attempt that ran out of time (requestTimer.ts). */
export function timeoutError(phase: AttemptPhase, idempotent: boolean, ctx: FailureContext): CozeError {
  const { connectMs, firstByteMs, idleMs } = ctx.limits;
  const host = ctx.baseUrl.host;
  switch (phase) {
    case 'connect': {
      const via = ctx.proxy ? ` through the proxy ${ctx.proxy.shown}` : '';
      // Nothing was sent: safe to try again for any method.
      return new CozeError('network', `Could not connect to ${host}${via} within ${formatSeconds(connectMs)}.`, {
        reason: 'connect-timeout',
        retryable: true,
      });
    }
    case 'first-byte':
      // The request was sent: a POST may have started a chat, so only GETs are repeated.
      return new CozeError('timeout', `Coze received the request but sent no reply within ${formatSeconds(firstByteMs)}.`, {
        reason: 'first-byte-timeout',
        retryable: idempotent,
      });
    case 'send':
      // An upload stalled: nothing could be handed to the connection for idleMs (docs/coze-api.md#files-and-attachments).
      return new CozeError('timeout', `The upload to ${host} stalled: nothing could be sent for ${formatSeconds(idleMs)}.`, {
        reason: 'idle-timeout',
        retryable: idempotent,
      });
    case 'body':
      return new CozeError('timeout', `Coze went silent for ${formatSeconds(idleMs)} in the middle of its reply.`, {
        reason: 'idle-timeout',
        retryable: idempotent,
      });
  }
}

/**
 * Turns a raw failure (undici, socket, TLS, proxy, body read) into a CozeError with a user-facing message.
 * `beforeData`: nothing of the response had arrived. `idempotent`: repeating the request is harmless.
 * Connection failures before any data are retried for GET and POST alike; after data has arrived, only
 * idempotent requests are. Certificate problems, DNS failures and proxy authentication are never retried:
 * they won't fix themselves in a few seconds.
 */
export function classifyFailure(e: unknown, where: { beforeData: boolean; idempotent: boolean }, ctx: FailureContext): CozeError {
  if (e instanceof CozeError) return e;
  const codes = errorCodes(e);
  const has = (c: string) => codes.includes(c);
  const host = ctx.baseUrl.host;
  const proxy = ctx.proxy;

  const tls = codes.map((c) => TLS_PROBLEMS[c]).find((p) => p !== undefined);
  if (tls) {
    const code = codes.find((c) => TLS_PROBLEMS[c])!;
    const via = proxy ? ` (reached through the proxy ${proxy.shown})` : '';
    const hint =
      tls.reason === 'tls-self-signed' || tls.reason === 'tls-unknown-issuer'
        ? ' If your network inspects HTTPS (a corporate proxy or antivirus), add its root certificate to the trusted certificates.'
        : '';
    return new CozeError('network', `The TLS certificate of ${host}${via} is not trusted: ${tls.what} (${code}).${hint}`, {
      reason: tls.reason,
      retryable: false,
    });
  }

  const proxyStatus = proxy ? proxyConnectStatus(e) : undefined;
  if (proxy && proxyStatus !== undefined) {
    const label = `HTTP ${proxyStatus}${STATUS_CODES[proxyStatus] ? ` ${STATUS_CODES[proxyStatus]}` : ''}`;
    // 407 is the standard answer; some proxies (tinyproxy) answer wrong credentials with 401.
    if (proxyStatus === 407 || proxyStatus === 401) {
      const what = proxy.hasCredentials
        ? 'rejected the user name and password of the proxy setting'
        : 'requires a user name and password: put them in the proxy setting, as user:password@ before the host';
      return new CozeError('network', `The proxy ${proxy.shown} ${what} (${label}).`, { reason: 'proxy-auth', retryable: false });
    }
    const hint = proxyStatus === 403 ? ' It does not allow connections to this host or port.' : '';
    return new CozeError('network', `The proxy ${proxy.shown} could not open a connection to ${host} (${label}).${hint}`, {
      reason: 'proxy-error',
      retryable: proxyStatus >= 500,
    });
  }

  // Caller-supplied dispatchers may still use undici's own timeouts.
  if (has('UND_ERR_HEADERS_TIMEOUT')) {
    return new CozeError('timeout', 'Coze received the request but sent no reply in time.', { reason: 'first-byte-timeout', retryable: where.idempotent });
  }
  if (has('UND_ERR_BODY_TIMEOUT')) {
    return new CozeError('timeout', 'Coze went silent in the middle of its reply.', { reason: 'idle-timeout', retryable: where.idempotent });
  }
  if (has('UND_ERR_CONNECT_TIMEOUT')) {
    if (ctx.ownDispatcher) return timeoutError('connect', where.idempotent, ctx);
    return new CozeError('network', `Could not connect to ${host} in time.`, { reason: 'connect-timeout', retryable: true });
  }
  if (has('ENOTFOUND')) {
    // Through a proxy, our only DNS lookup is the proxy's name (the proxy resolves Coze's).
    const msg = proxy
      ? `Could not find the proxy host ${proxy.url.hostname}: check the proxy setting.`
      : `Could not find the host ${ctx.baseUrl.hostname}: check the network and the base URL.`;
    return new CozeError('network', msg, { reason: 'dns', retryable: false });
  }
  if (has('ECONNREFUSED') && proxy) {
    return new CozeError('network', `The proxy ${proxy.shown} refused the connection: check the proxy setting and that the proxy is running.`, {
      reason: 'proxy-refused',
      retryable: true,
    });
  }
  const code = codes.find((c) => CONNECT_ERRORS.has(c));
  if (code !== undefined) {
    const what = where.beforeData ? `Could not reach ${host}${proxy ? ` through the proxy ${proxy.shown}` : ''}` : 'The connection to Coze broke';
    const reason: CozeErrorReason | undefined =
      code === 'ECONNREFUSED' ? 'connection-refused' : code === 'EAI_AGAIN' ? 'dns' : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' ? 'connection-reset' : undefined;
    return new CozeError('network', `${what} (${describeCode(code)}).`, {
      retryable: where.beforeData || where.idempotent,
      ...(reason ? { reason } : {}),
    });
  }
  if (codes.some((c) => c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_'))) {
    return new CozeError('network', `The TLS handshake with ${host} failed (${codes.find((c) => c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_'))}): is it an HTTPS server?`, {
      retryable: false,
    });
  }
  const detail = e instanceof Error ? e.message : String(e);
  return new CozeError('network', `Request to ${host} failed: ${ctx.redact(shortMsg(detail))}`, {
    retryable: false,
  });
}

/** Every errno-style code in an error and its cause chain (undici wraps socket, TLS and proxy errors). */
function errorCodes(e: unknown): string[] {
  const out: string[] = [];
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 6; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c && c !== 'UND_ERR') out.push(c);
    cur = (cur as { cause?: unknown }).cause;
  }
  // A generic undici SocketError usually has a precise cause (ECONNRESET): let the cause come first.
  return out.length > 1 && out[0] === 'UND_ERR_SOCKET' ? [...out.slice(1), out[0]] : out;
}

/** The status a proxy answered to CONNECT (undici: "Proxy response (407) !== 200 when HTTP Tunneling"). */
function proxyConnectStatus(e: unknown): number | undefined {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 6; depth++) {
    const m = /Proxy response \((\d{3})\)|Proxy Authentication Required \((407)\)/.exec(String((cur as { message?: unknown }).message ?? ''));
    if (m) return Number(m[1] ?? m[2]);
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'EAI_AGAIN':
      return 'DNS lookup failed';
    default:
      return code;
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(2))} s`;
}
