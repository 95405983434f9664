// What a pasted token should look like. Pure (no vscode import), unit-tested in plain Node.

export type TokenShape = 'ok' | 'empty' | 'suspicious';

/** Pasted tokens often carry spaces or line breaks; a token itself never contains whitespace. */
export function normalizeToken(raw: string): string {
  return raw.replace(/\s+/g, '');
}

/** Personal access tokens start with pat_; service and OAuth tokens are also accepted, but must look like tokens. */
export function tokenShape(token: string): TokenShape {
  if (!token) return 'empty';
  if (/^pat_[A-Za-z0-9]{8,}$/.test(token)) return 'ok';
  if (/^[A-Za-z0-9._~+/=-]{16,}$/.test(token)) return 'ok';
  return 'suspicious';
}
