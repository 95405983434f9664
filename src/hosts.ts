// Which hosts the token may reach over plain http. Pure (no vscode, no undici): the client and the extension's
// settings check must agree, so both use these.

/** This machine: localhost, 127.0.0.0/8 and ::1, bracketed (as URL.hostname gives IPv6) or not. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * One `host[:port]` entry of an allow-list, normalized as URL does it (case, IPv4 forms, IPv6 brackets), so that
 * `192.168.1.20:8888` matches `http://192.168.1.20:8888/` however either is written. undefined: not an entry
 * (a scheme, a path, credentials, a wildcard or a bare IPv6 address without brackets: nothing is guessed).
 */
export function parseHostEntry(raw: string): { hostname: string; port?: number } | undefined {
  const text = raw.trim();
  if (!text || /[/\\@?#\s]/.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${text}`);
  } catch {
    return undefined;
  }
  // URL also takes "*" and other characters no host has; a wildcard must not slip in as a host name.
  if (!/^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])$/.test(url.hostname)) return undefined;
  // URL drops the default port (":80"), but a user who wrote it meant that port only.
  const explicitPort = /:(\d+)$/.exec(text);
  if (!explicitPort) return { hostname: url.hostname };
  return { hostname: url.hostname, port: url.port ? Number(url.port) : 80 };
}

/** Whether an http:// URL's host is on the list: same host, and same port when the entry names one. */
export function isListedHost(url: URL, entries: readonly string[]): boolean {
  const port = Number(url.port) || 80;
  return entries.some((raw) => {
    const entry = parseHostEntry(raw);
    return entry !== undefined && entry.hostname === url.hostname && (entry.port === undefined || entry.port === port);
  });
}
