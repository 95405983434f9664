// "Ask Coze in Chat" on selected text: the selection goes into the chat input as a fenced code block, named by
// its file and lines, with its language, ready for the user to type the question under it. Pure, unit-tested.

export interface QuotedSelection {
  text: string;
  /** VS Code's language id of the document (typescript, python, shellscript…). */
  languageId: string;
  /** The file as the user knows it (workspace-relative path, or the name of an untitled document). */
  fileName: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

/** VS Code language ids whose fence name differs (the fence name is what highlighters and bots understand). */
const FENCE_LANGUAGE: Readonly<Record<string, string>> = {
  typescriptreact: 'tsx',
  javascriptreact: 'jsx',
  shellscript: 'bash',
  plaintext: 'text',
  'jsonc': 'json',
  'objective-c': 'objectivec',
  csharp: 'csharp',
  dockerfile: 'dockerfile',
};

export function fenceLanguageFor(languageId: string): string {
  const id = languageId.trim().toLowerCase();
  return FENCE_LANGUAGE[id] ?? (/^[a-z0-9#+_-]{1,40}$/.test(id) ? id : '');
}

/** A fence longer than any backtick run in the code, so the code cannot close it early. */
export function fenceFor(code: string): string {
  let longest = 0;
  for (const m of code.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

export function quoteSelection(part: QuotedSelection): string {
  const code = part.text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const fence = fenceFor(code);
  // "file:line" / "file:start-end", the form editors and terminals link: no words, so nothing to translate.
  const lines = part.startLine === part.endLine ? `${part.startLine}` : `${part.startLine}-${part.endLine}`;
  // Backticks in a file name would end the inline code span.
  const name = part.fileName.replace(/`/g, "'");
  return `\`${name}:${lines}\`\n${fence}${fenceLanguageFor(part.languageId)}\n${code}\n${fence}\n`;
}

/** Several selections, one block each, then an empty line for the question. */
export function quoteSelections(parts: QuotedSelection[]): string {
  return `${parts.map(quoteSelection).join('\n')}\n`;
}
