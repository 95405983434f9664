// Checks on a question before it costs an API call. Pure (no vscode import), unit-tested in plain Node.

/** Coze accepts up to 15 MB per request, but models choke long before; documented in the README's "Limits". */
export const MAX_QUESTION_CHARS = 100_000;

/**
 * Text that is mostly control characters or decoding errors (a selection in a binary file opened as text, a
 * minified bundle with NULs) gives the bot nothing to work with and wastes a call: ask before sending it.
 */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.length > 20_000 ? text.slice(0, 20_000) : text;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f || c === 0xfffd) odd++;
  }
  return sample.length > 0 && odd / sample.length > 0.02;
}
