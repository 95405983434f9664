// Where the token may be sent. Pure functions (no vscode import) so they are unit-tested in plain Node.

import { isListedHost, isLoopbackHost } from './hosts';
import { isBotId } from './ids';

export { isLoopbackHost } from './hosts';

export const REGION_BASE_URLS = { cn: 'https://api.coze.cn', com: 'https://api.coze.com' } as const;

export interface CheckedBaseUrl {
  url?: string;
  problem?: 'missing' | 'invalid' | 'insecure';
  /** With `url`: the listed host (host[:port], as URL.host) that the token will reach over plain http. */
  insecureHost?: string;
}

/**
 * Validates a custom base URL: https anywhere; plain http on this machine, or on a host the user listed in
 * askCoze.allowInsecureHttpHosts (`allowedHttpHosts`: that setting's user-level value only, see
 * userLevelHostList).
 */
export function checkBaseUrl(raw: string, allowedHttpHosts: readonly string[] = []): CheckedBaseUrl {
  const trimmed = raw.trim();
  if (!trimmed) return { problem: 'missing' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { problem: 'invalid' };
  }
  if (url.username || url.password || url.search || url.hash) return { problem: 'invalid' };
  const clean = url.origin + url.pathname.replace(/\/+$/, '');
  if (url.protocol === 'https:') return { url: clean };
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return { url: clean };
    return isListedHost(url, allowedHttpHosts) ? { url: clean, insecureHost: url.host } : { problem: 'insecure' };
  }
  return { problem: 'invalid' };
}

/** The shape of WorkspaceConfiguration.inspect(): every level, of which only the user's is read. */
export interface InspectedSetting {
  key?: string;
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The list from a setting's inspect() result, user (global) value only: a workspace that could add a host would
 * downgrade the user's token to clear text on its say-so, so workspace values are ignored even where VS Code
 * would merge them. Non-string entries are dropped.
 */
export function userLevelHostList(inspected: InspectedSetting | undefined): string[] {
  const value = inspected?.globalValue;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
}

/**
 * The opted-in plain-http host to warn about now, or undefined: once per host per session (`warned` is the
 * session's memory and is updated), and never for a base URL that is refused or not plain http.
 */
export function insecureHostToWarn(settings: { baseUrl?: string; insecureHost?: string }, warned: Set<string>): string | undefined {
  const host = settings.baseUrl ? settings.insecureHost : undefined;
  if (!host || warned.has(host)) return undefined;
  warned.add(host);
  return host;
}

/** Anything but a Coze bot id gets 4006/4000 from Coze, so it is caught here, before a call is spent on it. */
export function isValidBotId(botId: string): boolean {
  return isBotId(botId);
}

export function apiHost(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
