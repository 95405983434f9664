import type { StoredConversation, StoredTurn } from './chatModel';

// A chat conversation as a Markdown file (Coze: Export Conversation as Markdown). Pure: the labels, the date
// format and the bot names come in, so the unit tests check the exact text.
//
// What goes in: the title, the date and the bot; then each turn: the question and the answer as they were written
// (Markdown both), the files sent with the question by name, the model's reasoning collapsed in a <details> block
// (kept: it is often what explains the answer, and a collapsed block costs a reader nothing), and what stopped
// or failed a turn. Nothing else of the history is written (no ids, no token: the history never holds one).
// A question or an answer cut inside a code block (a stopped answer) gets its fence closed, or the rest of the
// file would read as code.

export interface ExportLabels {
  date: string;
  bot: string;
  you: string;
  /** "{0} older turns are not kept in the history…" */
  trimmed: string;
  attachedFiles: string;
  /** The reasoning's summary: "Thought for {0} s", or "Thought process" when the time is not known. */
  thoughtFor: string;
  thoughts: string;
  stopped: string;
  interrupted: string;
  failed: string;
  code: string;
  logId: string;
  untitled: string;
}

export interface ExportOptions {
  labels: ExportLabels;
  /** The date and time as the user reads them. */
  formatDate(epochMs: number): string;
  /** A bot's name as the chat shows it. */
  botName(botId: string, stored: string | undefined): string;
}

export function conversationMarkdown(conversation: StoredConversation, options: ExportOptions): string {
  const { labels } = options;
  const fill = (template: string, ...args: Array<string | number>) => template.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
  const out: string[] = [];
  out.push(`# ${oneLine(conversation.title) || labels.untitled}`, '');
  const when = conversation.createdAt || conversation.turns[0]?.startedAt || conversation.updatedAt;
  out.push(`- **${labels.date}:** ${options.formatDate(when)}`);
  out.push(`- **${labels.bot}:** ${options.botName(conversation.botId, conversation.botName)}`);
  out.push('');
  if (conversation.trimmedTurns > 0) out.push(`> ${fill(labels.trimmed, conversation.trimmedTurns)}`, '');
  for (const turn of conversation.turns) {
    out.push('---', '', `**${labels.you}:**`, '', closeOpenFence(turn.question.trim()), '');
    if (turn.attachments?.length) out.push(`*${labels.attachedFiles}:* ${turn.attachments.map((a) => inlineCode(a.name)).join(', ')}`, '');
    out.push(`**${options.botName(turn.botId || conversation.botId, turn.botName)}:**`, '');
    if (turn.reasoning) {
      const summary = turn.reasoningMs !== undefined ? fill(labels.thoughtFor, Math.max(1, Math.round(turn.reasoningMs / 1000))) : labels.thoughts;
      out.push('<details>', `<summary>${escapeHtml(summary)}</summary>`, '', closeOpenFence(turn.reasoning.trim()).replace(/<\/details/gi, '&lt;/details'), '', '</details>', '');
    }
    if (turn.answer.trim()) out.push(closeOpenFence(turn.answer.trim()), '');
    const ending = endingNote(turn, labels, fill);
    if (ending) out.push(ending, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** What a turn that did not end well says: a note, or the error with Coze's code and logid. */
function endingNote(turn: StoredTurn, labels: ExportLabels, fill: (template: string, ...args: Array<string | number>) => string): string | undefined {
  if (turn.status === 'stopped') return `*${labels.stopped}*`;
  if (turn.status === 'interrupted') return `*${labels.interrupted}*`;
  if (turn.status !== 'failed') return undefined;
  const details = [turn.error?.code !== undefined ? fill(labels.code, turn.error.code) : '', turn.error?.logId ? fill(labels.logId, turn.error.logId) : ''].filter(Boolean);
  const message = oneLine(turn.error?.message ?? '') || labels.failed;
  return `> ⚠ ${message}${details.length ? ` (${details.join(', ')})` : ''}`;
}

/**
 * `markdown` with a closing fence added when it ends inside a fenced code block (CommonMark: a fence is three
 * or more backticks or tildes, indented at most three spaces; it is closed by a fence of the same character at
 * least as long, with nothing after it).
 */
export function closeOpenFence(markdown: string): string {
  let open: { char: string; length: number } | undefined;
  for (const line of markdown.split('\n')) {
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!fence) continue;
    const marks = fence[1]!;
    if (!open) {
      // An opening backtick fence cannot have backticks in its info string.
      if (marks[0] === '`' && fence[2]!.includes('`')) continue;
      open = { char: marks[0]!, length: marks.length };
    } else if (marks[0] === open.char && marks.length >= open.length && fence[2]!.trim() === '') {
      open = undefined;
    }
  }
  return open ? `${markdown}\n${open.char.repeat(open.length)}` : markdown;
}

/** Text as an inline code span, whatever backticks it holds. */
export function inlineCode(text: string): string {
  const line = oneLine(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = /^`|`$/.test(line) ? ' ' : '';
  return `${ticks}${pad}${line}${pad}${ticks}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The file name offered in the save dialog: the title, without what file systems refuse (Windows' reserved
 * characters and names, control characters, trailing dots), at most 80 characters, with `.md`.
 */
export function exportFileName(title: string, fallback: string): string {
  let name = Array.from(
    title
      .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  )
    .slice(0, 80)
    .join('')
    .replace(/[. ]+$/, '')
    .replace(/^[. ]+/, '');
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(name)) name = `${name}_`;
  return `${name || fallback}.md`;
}
