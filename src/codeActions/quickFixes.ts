import * as vscode from 'vscode';
import type { ChatService } from '../chat/chatService';
import type { ChatViewProvider } from '../chat/chatView';
import type { Log } from '../log';
import { labelOf } from '../apply/applySource';
import { diagnosticCodeText, parseDiagnosticArgs, type DiagnosticArgs } from './diagnosticArgs';
import { diagnosticQuestion, quotedLines, type DiagnosticQuestionKind, type DiagnosticQuestionStrings } from './diagnosticQuestion';

// Quick fixes on any problem VS Code shows (the lightbulb, Ctrl+.): "Ask Coze to fix" and "Ask Coze to
// explain". Either one asks in the sidebar chat, at once, the way "Ask Coze in Chat" quotes code: the problem's
// lines with a few around them, its message, source and code. Fix and explain are complete questions, so they
// are sent rather than left in the input for the user to finish; an answer's code block can then be applied
// to the quoted lines (src/apply/).

export const FIX_COMMAND = 'askCoze.fixDiagnostic';
export const EXPLAIN_COMMAND = 'askCoze.explainDiagnostic';

/** Files and untitled editors; not the diff's right side, outputs or other virtual documents. */
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

export class CozeQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !context.only.intersects(vscode.CodeActionKind.QuickFix)) return [];
    // Several problems at the cursor: each pair says which problem it is about.
    const several = context.diagnostics.length > 1;
    return context.diagnostics.flatMap((diagnostic) => {
      const args = argsOf(document, diagnostic);
      const short = shortMessage(diagnostic.message);
      const fixTitle = several ? vscode.l10n.t('Ask Coze to fix: {0}', short) : vscode.l10n.t('Ask Coze to fix');
      const explainTitle = several ? vscode.l10n.t('Ask Coze to explain: {0}', short) : vscode.l10n.t('Ask Coze to explain');
      return [action(fixTitle, FIX_COMMAND, diagnostic, args), action(explainTitle, EXPLAIN_COMMAND, diagnostic, args)];
    });
  }
}

function action(title: string, command: string, diagnostic: vscode.Diagnostic, args: DiagnosticArgs): vscode.CodeAction {
  const result = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  result.diagnostics = [diagnostic];
  result.command = { command, title, arguments: [args] };
  return result;
}

function argsOf(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): DiagnosticArgs {
  const args: DiagnosticArgs = {
    uri: document.uri.toString(),
    message: diagnostic.message,
    startLine: diagnostic.range.start.line,
    endLine: diagnostic.range.end.line,
  };
  if (diagnostic.source) args.source = diagnostic.source;
  const code = diagnosticCodeText(diagnostic.code);
  if (code !== undefined) args.code = code;
  return args;
}

function shortMessage(message: string): string {
  const line = message.split(/\r?\n/)[0]!.trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function questionStrings(): DiagnosticQuestionStrings {
  return {
    fix: vscode.l10n.t('Fix this problem on line {0} ({1}):'),
    fixNoSource: vscode.l10n.t('Fix this problem on line {0}:'),
    explain: vscode.l10n.t('Explain this problem on line {0} ({1}), and how to fix it:'),
    explainNoSource: vscode.l10n.t('Explain this problem on line {0}, and how to fix it:'),
    answerWithCode: vscode.l10n.t('Answer with the quoted lines corrected, as one code block.'),
  };
}

export function registerQuickFixes(chat: ChatService, view: ChatViewProvider, log: Log): vscode.Disposable[] {
  const ask = (kind: DiagnosticQuestionKind) => (arg?: unknown) => askAbout(kind, arg, chat, view, log);
  return [
    vscode.languages.registerCodeActionsProvider(SELECTOR, new CozeQuickFixes(), CozeQuickFixes.metadata),
    vscode.commands.registerCommand(FIX_COMMAND, ask('fix')),
    vscode.commands.registerCommand(EXPLAIN_COMMAND, ask('explain')),
  ];
}

/** Builds the question about the diagnostic and asks it in the chat. Resolves when the answer has ended. */
async function askAbout(kind: DiagnosticQuestionKind, arg: unknown, chat: ChatService, view: ChatViewProvider, log: Log): Promise<void> {
  const facts = parseDiagnosticArgs(arg);
  if (!facts) {
    log.warn(`Quick fix: ignored a malformed argument of ${kind === 'fix' ? FIX_COMMAND : EXPLAIN_COMMAND}.`);
    return;
  }
  const document = await Promise.resolve(vscode.workspace.openTextDocument(vscode.Uri.parse(facts.uri, true))).catch(() => undefined);
  if (!document) {
    log.warn('Quick fix: the document of the problem is no longer there.');
    return;
  }
  const { start, end } = quotedLines(facts, document.lineCount, (line) => document.lineAt(line).text);
  const quote = {
    text: document.getText(new vscode.Range(start, 0, end, document.lineAt(end).text.length)),
    languageId: document.languageId,
    fileName: labelOf(document),
    startLine: start + 1,
    endLine: end + 1,
  };
  const question = diagnosticQuestion(kind, facts, quote, questionStrings());
  await askInChat(question, chat, view);
}

/**
 * Asks `question` in the open conversation of the sidebar chat, shown first. While the chat is answering
 * another question it cannot ask a second one: the question then goes into its input, to send after.
 */
async function askInChat(question: string, chat: ChatService, view: ChatViewProvider): Promise<void> {
  if (chat.viewState().busy) {
    await view.insertInput(question);
    return;
  }
  await view.reveal();
  await chat.send(question);
}
