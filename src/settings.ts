import * as vscode from 'vscode';
import type { CozeProxyOptions, CozeTlsOptions } from './coze';
import { apiHost, checkBaseUrl, REGION_BASE_URLS, userLevelHostList } from './endpoint';

export { apiHost, checkBaseUrl, insecureHostToWarn, isLoopbackHost, isValidBotId, REGION_BASE_URLS } from './endpoint';

// Reads askCoze.* once per question and turns them into what the client needs. Values outside their
// range (a hand-edited settings.json can hold anything) are clamped, and each clamp is reported once.

/** cn and com: Coze's two clouds; studio: a self-hosted Coze Studio; custom: any other address. */
export type Region = 'cn' | 'com' | 'custom' | 'studio';

/** Where a Coze Studio started with its docker-compose file answers (docs/coze-api.md#coze-studio). */
export const STUDIO_DEFAULT_BASE_URL = 'http://localhost:8888';
export type ResponseMode = 'stream' | 'poll';

export const DEFAULT_BOT_ID = '7445600453913968691';

export interface AskCozeSettings {
  region: Region;
  /** Where the token is sent; undefined with `problem` set when a custom URL is unusable. */
  baseUrl: string | undefined;
  baseUrlProblem?: 'missing' | 'invalid' | 'insecure';
  /**
   * host[:port] of a plain-http base URL that is not this machine. With `baseUrl` set: the user listed it in
   * askCoze.allowInsecureHttpHosts, the token travels unencrypted, and they are to be warned once per session
   * (insecureHostToWarn, insecureHttpWarning). With baseUrlProblem 'insecure': the value they would have to list
   * (insecureBaseUrlMessage).
   */
  insecureHost?: string;
  botId: string;
  responseMode: ResponseMode;
  pollIntervalMs: number;
  minRequestIntervalMs: number;
  maxRetries: number;
  requestTimeoutMs: number;
  maxWaitMs: number;
  /** From VS Code's own http.proxy / http.noProxy / http.proxyStrictSSL, so Ask Coze works where VS Code does. */
  proxy?: CozeProxyOptions;
  tls?: CozeTlsOptions;
  /** VS Code's http.systemCertificates: trust the operating system's certificate store too (ClientProvider loads it). */
  systemCertificates?: boolean;
  /** Human-readable notes about clamped values, for the log. */
  adjustments: string[];
}

/**
 * VS Code's proxy settings, mapped onto the client's. undici does not go through the proxy support VS Code
 * patches into Node's http module, so the client is told explicitly. An empty http.proxy falls back to
 * HTTPS_PROXY/HTTP_PROXY/NO_PROXY, as VS Code does; http.proxySupport "off" means no proxy at all.
 */
export function readNetworkSettings(): { proxy?: CozeProxyOptions; tls?: CozeTlsOptions; systemCertificates: boolean } {
  const http = vscode.workspace.getConfiguration('http');
  // Independent of http.proxySupport: VS Code's own requests trust the OS store whether or not a proxy is used.
  const systemCertificates = http.get<boolean>('systemCertificates', true) !== false;
  if (http.get<string>('proxySupport') === 'off') return { systemCertificates };
  const url = (http.get<string>('proxy') ?? '').trim();
  const noProxy = (http.get<unknown>('noProxy') ?? []) as unknown;
  const noProxyList = Array.isArray(noProxy) ? noProxy.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
  const proxy: CozeProxyOptions = url ? { url } : { fromEnvironment: true };
  if (noProxyList.length) proxy.noProxy = noProxyList;
  const strict = http.get<boolean>('proxyStrictSSL', true);
  return strict === false ? { proxy, tls: { rejectUnauthorized: false }, systemCertificates } : { proxy, systemCertificates };
}

interface NumberRule {
  key: string;
  def: number;
  min: number;
  max: number;
  integer: boolean;
}

const RULES = {
  pollIntervalMs: { key: 'pollIntervalMs', def: 1000, min: 200, max: 60_000, integer: true },
  minRequestIntervalMs: { key: 'minRequestIntervalMs', def: 500, min: 0, max: 60_000, integer: true },
  maxRetries: { key: 'maxRetries', def: 5, min: 0, max: 10, integer: true },
  requestTimeoutSeconds: { key: 'requestTimeoutSeconds', def: 30, min: 1, max: 600, integer: false },
  maxWaitSeconds: { key: 'maxWaitSeconds', def: 300, min: 5, max: 3600, integer: false },
} satisfies Record<string, NumberRule>;

function readNumber(config: vscode.WorkspaceConfiguration, rule: NumberRule, adjustments: string[]): number {
  const raw = config.get<unknown>(rule.key, rule.def);
  let value = typeof raw === 'number' && Number.isFinite(raw) ? raw : rule.def;
  if (value !== raw) adjustments.push(`askCoze.${rule.key}: ${JSON.stringify(raw)} is not a number, using ${value}`);
  const clamped = Math.min(rule.max, Math.max(rule.min, rule.integer ? Math.round(value) : value));
  if (clamped !== value) adjustments.push(`askCoze.${rule.key}: ${value} is out of range [${rule.min}, ${rule.max}], using ${clamped}`);
  value = clamped;
  return value;
}

/**
 * The values that decide where the token goes are read from the user (global) level only: they are
 * `application`-scoped in package.json, and we also ignore any workspace value in case an older VS Code or
 * a hand-edited .vscode/settings.json carries one.
 */
function globalOnly<T>(config: vscode.WorkspaceConfiguration, key: string, def: T): T {
  const inspected = config.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue ?? def;
}

export function readSettings(): AskCozeSettings {
  const config = vscode.workspace.getConfiguration('askCoze');
  const adjustments: string[] = [];
  const regionRaw = globalOnly<string>(config, 'region', 'cn');
  const region: Region = regionRaw === 'com' || regionRaw === 'custom' || regionRaw === 'studio' ? regionRaw : 'cn';
  let baseUrl: string | undefined;
  let baseUrlProblem: AskCozeSettings['baseUrlProblem'];
  let insecureHost: string | undefined;
  if (region === 'custom' || region === 'studio') {
    const given = globalOnly<string>(config, 'baseUrl', '');
    const raw = region === 'studio' && !given.trim() ? STUDIO_DEFAULT_BASE_URL : given;
    const checked = checkBaseUrl(raw, userLevelHostList(config.inspect<unknown>('allowInsecureHttpHosts')));
    baseUrl = checked.url;
    baseUrlProblem = checked.problem;
    insecureHost = checked.insecureHost ?? (checked.problem === 'insecure' ? apiHost(raw.trim()) : undefined);
  } else {
    baseUrl = REGION_BASE_URLS[region];
  }
  const botIdRaw = String(config.get<unknown>('botId', DEFAULT_BOT_ID) ?? '').trim();
  const responseMode: ResponseMode = config.get<string>('responseMode', 'stream') === 'poll' ? 'poll' : 'stream';
  return {
    region,
    baseUrl,
    baseUrlProblem,
    insecureHost,
    botId: botIdRaw,
    responseMode,
    pollIntervalMs: readNumber(config, RULES.pollIntervalMs, adjustments),
    minRequestIntervalMs: readNumber(config, RULES.minRequestIntervalMs, adjustments),
    maxRetries: readNumber(config, RULES.maxRetries, adjustments),
    requestTimeoutMs: readNumber(config, RULES.requestTimeoutSeconds, adjustments) * 1000,
    maxWaitMs: readNumber(config, RULES.maxWaitSeconds, adjustments) * 1000,
    ...readNetworkSettings(),
    adjustments,
  };
}

/** Why a plain-http base URL is refused, and how to allow it (and what that costs). */
export function insecureBaseUrlMessage(host: string): string {
  return vscode.l10n.t(
    'askCoze.baseUrl must use https:// so that your API key is never sent unencrypted. Plain http:// is allowed for localhost, or for a host you add to askCoze.allowInsecureHttpHosts in your user settings (here "{0}"); your API key and questions then travel unencrypted.',
    host,
  );
}

/** The once-per-session warning for a host the user allowed plain http to. */
export function insecureHttpWarning(host: string): string {
  return vscode.l10n.t(
    'Ask Coze reaches {0} over plain http:// (askCoze.allowInsecureHttpHosts): your API key and questions travel unencrypted, readable by anyone on the network. Use https:// if the server offers it.',
    host,
  );
}
