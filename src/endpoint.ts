// Where the token may be sent. Pure functions (no vscode import) so they are unit-tested in plain Node.

import { isBotId } from './ids';

export const REGION_BASE_URLS = { cn: 'https://api.coze.cn', com: 'https://api.coze.com' } as const;

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Validates a custom base URL: https anywhere, plain http only on this machine. */
export function checkBaseUrl(raw: string): { url?: string; problem?: 'missing' | 'invalid' | 'insecure' } {
  const trimmed = raw.trim();
  if (!trimmed) return { problem: 'missing' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { problem: 'invalid' };
  }
  if (url.username || url.password || url.search || url.hash) return { problem: 'invalid' };
  if (url.protocol === 'https:') return { url: url.origin + url.pathname.replace(/\/+$/, '') };
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? { url: url.origin + url.pathname.replace(/\/+$/, '') } : { problem: 'insecure' };
  }
  return { problem: 'invalid' };
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
