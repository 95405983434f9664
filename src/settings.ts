import * as vscode from 'vscode';
import type { CozeProxyOptions, CozeTlsOptions } from './coze';
import { checkBaseUrl, REGION_BASE_URLS } from './endpoint';

export { apiHost, checkBaseUrl, isLoopbackHost, isValidBotId, REGION_BASE_URLS } from './endpoint';

// Reads askCoze.* once per question and turns them into what the client needs. Values outside their
// range (a hand-edited settings.json can hold anything) are clamped, and each clamp is reported once.

export type Region = 'cn' | 'com' | 'custom';
export type ResponseMode = 'stream' | 'poll';

export const DEFAULT_BOT_ID = '7445600453913968691';

export interface AskCozeSettings {
  region: Region;
  /** Where the token is sent; undefined with `problem` set when a custom URL is unusable. */
  baseUrl: string | undefined;
  baseUrlProblem?: 'missing' | 'invalid' | 'insecure';
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
  /** Human-readable notes about clamped values, for the log. */
  adjustments: string[];
}

/**
 * VS Code's proxy settings, mapped onto the client's. undici does not go through the proxy support VS Code
 * patches into Node's http module, so the client is told explicitly. An empty http.proxy falls back to
 * HTTPS_PROXY/HTTP_PROXY/NO_PROXY, as VS Code does; http.proxySupport "off" means no proxy at all.
 */
export function readNetworkSettings(): { proxy?: CozeProxyOptions; tls?: CozeTlsOptions } {
  const http = vscode.workspace.getConfiguration('http');
  if (http.get<string>('proxySupport') === 'off') return {};
  const url = (http.get<string>('proxy') ?? '').trim();
  const noProxy = (http.get<unknown>('noProxy') ?? []) as unknown;
  const noProxyList = Array.isArray(noProxy) ? noProxy.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
  const proxy: CozeProxyOptions = url ? { url } : { fromEnvironment: true };
  if (noProxyList.length) proxy.noProxy = noProxyList;
  const strict = http.get<boolean>('proxyStrictSSL', true);
  return strict === false ? { proxy, tls: { rejectUnauthorized: false } } : { proxy };
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
  const region: Region = regionRaw === 'com' || regionRaw === 'custom' ? regionRaw : 'cn';
  let baseUrl: string | undefined;
  let baseUrlProblem: AskCozeSettings['baseUrlProblem'];
  if (region === 'custom') {
    const checked = checkBaseUrl(globalOnly<string>(config, 'baseUrl', ''));
    baseUrl = checked.url;
    baseUrlProblem = checked.problem;
  } else {
    baseUrl = REGION_BASE_URLS[region];
  }
  const botIdRaw = String(config.get<unknown>('botId', DEFAULT_BOT_ID) ?? '').trim();
  const responseMode: ResponseMode = config.get<string>('responseMode', 'stream') === 'poll' ? 'poll' : 'stream';
  return {
    region,
    baseUrl,
    baseUrlProblem,
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
