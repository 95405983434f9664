// The client's undici dispatcher: direct (Agent) or through a proxy (ProxyAgent, HTTP CONNECT tunnel), with the
// TLS trust the caller asked for. Built once per client: a client talks to one origin, so whether the proxy
// applies (NO_PROXY) is decided here, once, and errors can name the proxy that was used.
//
// Why not EnvHttpProxyAgent: it re-decides per request and hides which route it took; the NO_PROXY rules below
// are the same as its own (and curl's): exact host, subdomains, leading "." or "*.", host:port, "*" for all.
//
// TLS: undici's `ca` option replaces Node's default trust store (bundled roots + NODE_EXTRA_CA_CERTS). A user's
// extra CA (a corporate proxy that inspects HTTPS) must be trusted *in addition*, so the defaults are added back.

import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { Agent, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { CozeError } from './errors';
import type { CozeProxyOptions, CozeTlsOptions } from './types';

export interface ProxyRoute {
  url: URL;
  /** scheme://host:port, never the credentials: what logs and messages show. */
  shown: string;
  /** Whether the URL carries credentials (a 407 then means they are wrong, not missing). */
  hasCredentials: boolean;
  /** The decoded password ('' when none), for redaction. */
  password: string;
}

export interface BuiltDispatcher {
  dispatcher: Dispatcher;
  proxy: ProxyRoute | undefined;
}

/**
 * undici's own connect timers are coarse (they fire up to ~1 s late): ours (requestTimer.ts) give the error at the
 * right time, undici's then free the half-open connection. No slack needed: theirs never fire early.
 */
const UNDICI_CONNECT_SLACK_MS = 0;
const KEEP_ALIVE_MS = 30_000;

export function buildDispatcher(
  baseUrl: URL,
  opts: { proxy?: CozeProxyOptions; tls?: CozeTlsOptions; connectTimeoutMs: number },
  env: NodeJS.ProcessEnv = process.env,
): BuiltDispatcher {
  const proxy = resolveProxy(baseUrl, opts.proxy, env);
  const tls = tlsConnectOptions(opts.tls, env);
  const timeout = opts.connectTimeoutMs + UNDICI_CONNECT_SLACK_MS;
  if (!proxy) {
    return { dispatcher: new Agent({ connect: { ...tls, timeout }, keepAliveTimeout: KEEP_ALIVE_MS }), proxy };
  }
  const dispatcher = new ProxyAgent({
    uri: proxy.url.href,
    // The tunnel (CONNECT) is used for http:// targets too: the proxy never sees the Authorization header.
    proxyTunnel: true,
    requestTls: { ...tls, timeout },
    proxyTls: { ...tls, timeout },
    keepAliveTimeout: KEEP_ALIVE_MS,
    // The connection to the proxy: a proxy that never answers CONNECT would otherwise hold a socket for undici's
    // default 300 s headers timeout.
    clientFactory: (origin: URL, options: object) => new Pool(origin, { ...options, headersTimeout: timeout }),
  });
  return { dispatcher, proxy };
}

/** The proxy this base URL goes through, or undefined for a direct connection. Throws 'invalid-input' for a bad URL. */
export function resolveProxy(baseUrl: URL, opts: CozeProxyOptions | undefined, env: NodeJS.ProcessEnv = process.env): ProxyRoute | undefined {
  if (!opts) return undefined;
  const explicit = nonEmpty(opts.url);
  let raw = explicit;
  if (!raw && opts.fromEnvironment) {
    const httpProxy = envVar(env, 'http_proxy');
    raw = baseUrl.protocol === 'https:' ? (envVar(env, 'https_proxy') ?? httpProxy) : httpProxy;
  }
  if (!raw) return undefined;
  const noProxy = opts.noProxy !== undefined ? joinList(opts.noProxy) : opts.fromEnvironment ? (envVar(env, 'no_proxy') ?? '') : '';
  if (bypassesProxy(baseUrl, noProxy)) return undefined;
  return parseProxyUrl(raw, explicit ? 'proxy.url' : 'HTTPS_PROXY/HTTP_PROXY');
}

export function parseProxyUrl(raw: string, source: string): ProxyRoute {
  // Environment variables often omit the scheme (curl assumes http://).
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // Never echo the value: it may hold a password.
    throw invalidProxy(`The proxy setting (${source}) is not a valid URL (expected http://host:port).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidProxy(`The proxy setting (${source}) uses ${url.protocol.replace(/:$/, '')}://; only http:// and https:// proxies are supported.`);
  }
  if (!url.hostname) throw invalidProxy(`The proxy setting (${source}) has no host.`);
  return {
    url,
    shown: `${url.protocol}//${url.host}`,
    hasCredentials: url.username !== '' || url.password !== '',
    password: safeDecode(url.password),
  };
}

/**
 * NO_PROXY matching, as undici's EnvHttpProxyAgent and curl do it: entries separated by commas or spaces;
 * `*` matches everything; `host` matches the host and its subdomains; a leading `.` or `*.` is ignored;
 * `host:port` matches only that port (default ports count: 443 for https, 80 for http). IPv6 as `[::1]`.
 */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.toLowerCase(); // IPv6 comes bracketed: [::1]
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  for (const raw of noProxy.split(/[,\s]+/)) {
    if (raw.trim() === '*') return true;
    const entry = parseNoProxyEntry(raw);
    if (!entry || (entry.port !== 0 && entry.port !== port)) continue;
    if (host === entry.name || host.endsWith(`.${entry.name}`)) return true;
  }
  return false;
}

function parseNoProxyEntry(raw: string): { name: string; port: number } | undefined {
  const e = raw.trim().toLowerCase();
  if (!e) return undefined;
  if (e.startsWith('[')) {
    const m = /^(\[[^\]]+\])(?::(\d+))?$/.exec(e);
    return m ? { name: m[1]!, port: Number(m[2] ?? 0) } : undefined;
  }
  // A bare IPv6 address ("::1") has several colons and no port.
  if ((e.match(/:/g) ?? []).length > 1) return { name: `[${e}]`, port: 0 };
  const m = /^(.+):(\d+)$/.exec(e);
  const name = (m ? m[1]! : e).replace(/^\*?\./, '');
  return name ? { name, port: m ? Number(m[2]) : 0 } : undefined;
}

/**
 * TLS options for undici's connector. With extra CAs, one SecureContext for the client's lifetime: building one
 * with Node's ~140 bundled roots costs ~30 ms, too much to pay on every new connection.
 */
export function tlsConnectOptions(opts: CozeTlsOptions | undefined, env: NodeJS.ProcessEnv = process.env): { secureContext?: SecureContext; rejectUnauthorized?: boolean } {
  const out: { secureContext?: SecureContext; rejectUnauthorized?: boolean } = {};
  const ca = trustedCas(opts, env);
  if (ca) out.secureContext = createSecureContext({ ca });
  if (opts?.rejectUnauthorized === false) out.rejectUnauthorized = false;
  return out;
}

/** The CAs to trust when the caller gave extra ones: Node's defaults plus those. undefined: Node's defaults. */
export function trustedCas(opts: CozeTlsOptions | undefined, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const extra = opts?.ca === undefined ? [] : typeof opts.ca === 'string' ? [opts.ca] : [...opts.ca];
  for (const pem of extra) {
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new CozeError('invalid-input', 'The extra CA certificate (tls.ca) is not a PEM certificate (-----BEGIN CERTIFICATE-----).', {
        invalidOption: 'tls',
        retryable: false,
      });
    }
  }
  return extra.length > 0 ? [...rootCertificates, ...nodeExtraCaCerts(env), ...extra] : undefined;
}

/** NODE_EXTRA_CA_CERTS, which Node adds to its default store, and which an explicit `ca` would otherwise drop. */
function nodeExtraCaCerts(env: NodeJS.ProcessEnv): string[] {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return []; // Node has already warned about it at startup.
  }
}

/** Lower case wins, as in curl and undici; empty counts as unset. */
function envVar(env: NodeJS.ProcessEnv, lower: string): string | undefined {
  return nonEmpty(env[lower]) ?? nonEmpty(env[lower.toUpperCase()]);
}

function nonEmpty(v: string | undefined): string | undefined {
  const s = typeof v === 'string' ? v.trim() : '';
  return s ? s : undefined;
}

function joinList(v: string | readonly string[]): string {
  return typeof v === 'string' ? v : v.join(',');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function invalidProxy(message: string): CozeError {
  return new CozeError('invalid-input', message, { invalidOption: 'proxy', retryable: false });
}

/** Removes `user:password@` from any URL in a text (undici messages, stacks). */
export function stripUserinfo(s: string): string {
  return s.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}
