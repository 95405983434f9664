import { blockLines, splitLines } from './codeEdit';
import type { QuotedCode } from './quotedCode';

// When a question quoted several pieces of code, Apply asks which one a code block replaces (codeApplier.ts).
// The picker keeps the question's order and preselects the piece the block most likely replaces, so that Enter
// is right most of the time (docs/apply.md, "Several pieces of code"). Pure (no vscode import), unit-tested.

/**
 * Language names that mean one language: VS Code's language ids, the fence names "Ask Coze in Chat" writes
 * (src/chat/selectionQuote.ts) and the short names bots write. A name not listed stands for itself.
 */
const FAMILY: Readonly<Record<string, string>> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript', typescriptreact: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', node: 'javascript', javascriptreact: 'javascript',
  py: 'python', py3: 'python', python3: 'python',
  sh: 'shell', bash: 'shell', zsh: 'shell', shellscript: 'shell',
  ps1: 'powershell', pwsh: 'powershell',
  yml: 'yaml', md: 'markdown', jsonc: 'json', json5: 'json',
  golang: 'go', rs: 'rust', rb: 'ruby', kt: 'kotlin', kts: 'kotlin',
  cs: 'csharp', 'c#': 'csharp', 'c++': 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp',
  objc: 'objective-c', objectivec: 'objective-c', htm: 'html', docker: 'dockerfile',
};

/** Fence names that say nothing about the code's language. */
const NO_LANGUAGE = new Set(['', 'text', 'txt', 'plain', 'plaintext', 'diff', 'patch', 'output', 'console', 'log']);

/** The language a fence name (or a VS Code language id) stands for; undefined when it names none. */
export function languageFamily(name: string | undefined): string | undefined {
  // "```ts title=a.ts", "```python:main.py", "```{python}": the first word is the language.
  const word = /^\{?\.?([\w#+-]*)/.exec((name ?? '').trim().toLowerCase())?.[1] ?? '';
  if (NO_LANGUAGE.has(word)) return undefined;
  return FAMILY[word] ?? word;
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;

/** The lines of a block compared for sameness: the webview's text and the Markdown may differ in indentation. */
function comparable(code: string): string {
  return blockLines(code).map((line) => line.trim()).join('\n');
}

/**
 * The fence name of the code block `code` in the Markdown `markdown` (an answer): '' for a block without one,
 * undefined when no block of the answer holds that code.
 */
export function fenceNameOf(markdown: string, code: string): string | undefined {
  const wanted = comparable(code);
  if (!wanted) return undefined;
  const lines = splitLines(markdown);
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open || (open[2]![0] === '`' && open[3]!.includes('`'))) continue;
    const marks = open[2]!;
    let end = i + 1;
    for (; end < lines.length; end++) {
      const close = FENCE.exec(lines[end]!);
      if (close && close[2]![0] === marks[0] && close[2]!.length >= marks.length && close[3]!.trim() === '') break;
    }
    // An answer stopped inside a block has no closing fence: the block runs to the end.
    if (comparable(lines.slice(i + 1, end).join('\n')) === wanted) return open[3]!.trim();
    i = end;
  }
  return undefined;
}

function nonBlank(code: string): string[] {
  return splitLines(code).map((line) => line.trim()).filter((line) => line !== '');
}

/** Sørensen–Dice coefficient of two bags of strings: 1 when they hold the same, 0 when nothing in common. */
function dice(a: readonly string[], b: readonly string[]): number {
  if (!a.length || !b.length) return 0;
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  let common = 0;
  for (const x of b) {
    const n = counts.get(x) ?? 0;
    if (n > 0) {
      common++;
      counts.set(x, n - 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

function words(code: string): string[] {
  return [...new Set(code.match(/[\p{L}_$][\p{L}\p{N}_$]*/gu) ?? [])];
}

/**
 * How much `block` resembles `code`, from 0 to 2: the lines they share (a fix keeps most of the lines it fixes)
 * plus the names they share (a rewrite keeps the names even when every line changed).
 */
export function resemblance(block: string, code: string): number {
  return dice(nonBlank(block), nonBlank(code)) + dice(words(block), words(code));
}

/**
 * The indexes of `quotes`, the piece `block` most likely replaces first: a piece in the block's language
 * (`blockLanguage`, its fence name) before one whose language is not known, before one in another language;
 * then the piece the block resembles most; then the one closest in size; then the question's order.
 */
export function likelihoodOrder(block: string, quotes: readonly QuotedCode[], blockLanguage?: string): number[] {
  const language = languageFamily(blockLanguage);
  const size = nonBlank(block).length;
  const scored = quotes.map((quote, index) => {
    const own = languageFamily(quote.language);
    return {
      index,
      language: !language || !own ? 0 : own === language ? 1 : -1,
      resemblance: resemblance(block, quote.code),
      sizeGap: Math.abs(nonBlank(quote.code).length - size),
    };
  });
  scored.sort((a, b) => b.language - a.language || b.resemblance - a.resemblance || a.sizeGap - b.sizeGap || a.index - b.index);
  return scored.map((s) => s.index);
}

/** The quotes without repeats (a question may quote the same lines twice): the first of each, in order. */
export function distinctQuotes<T extends { quote: QuotedCode }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter(({ quote }) => {
    const key = JSON.stringify([quote.fileName, quote.startLine, quote.endLine, quote.code]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The first line of a quote with code on it, trimmed and cut to `max` characters (the picker's second line). */
export function firstCodeLine(code: string, max = 100): string {
  const line = nonBlank(code)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
