// Plain HTTP calls to the fake Coze server, as a client on the wire would make them: shared by the fake's own
// tests (cloud and Studio dialects), which check what it says byte for byte.

import { TOKEN } from './cozeTestKit';

// The replies are whatever the server sent: tests read their fields freely.
type Body = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: Body;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  raw?: string;
  token?: string | null;
  signal?: AbortSignal;
}

export async function call(base: string, pathAndQuery: string, o: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = o.token === undefined ? TOKEN : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const init: RequestInit = { method: o.method ?? (o.body !== undefined || o.raw !== undefined ? 'POST' : 'GET'), headers };
  if (o.raw !== undefined) init.body = o.raw;
  else if (o.body !== undefined) init.body = JSON.stringify(o.body);
  if (o.signal) init.signal = o.signal;
  const res = await fetch(base + pathAndQuery, init);
  const text = await res.text();
  let body: Body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}
