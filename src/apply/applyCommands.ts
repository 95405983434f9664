import * as vscode from 'vscode';
import type { Log } from '../log';
import { parseApplyArgs } from './applyArgs';
import { linesSource, type ApplySource } from './applySource';
import type { ApplyOutcome, CodeApplier } from './codeApplier';
import { parseQuotes } from './quotedCode';

// askCoze.applyCodeBlock (hidden from the palette: the code comes from an answer's Apply button, or from a test
// or another extension), and what the chat's Apply needs: the quotes of the turn's question.

export const APPLY_COMMAND = 'askCoze.applyCodeBlock';

export function registerApplyCommand(applier: CodeApplier, log: Log): vscode.Disposable {
  return vscode.commands.registerCommand(APPLY_COMMAND, async (arg?: unknown): Promise<ApplyOutcome> => {
    const args = parseApplyArgs(arg);
    if (!args) {
      log.warn(`Apply: ignored a malformed argument of ${APPLY_COMMAND}.`);
      return 'canceled';
    }
    const sources: ApplySource[] = [];
    if (args.uri) {
      const document = await Promise.resolve(vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri, true))).catch(() => undefined);
      if (!document) {
        log.warn(`Apply: ${args.uri} cannot be opened.`);
        return 'noTarget';
      }
      if (args.startLine !== undefined) {
        const source = linesSource(document, args.startLine, args.endLine!);
        if (!source) {
          log.warn(`Apply: lines ${args.startLine}-${args.endLine} are not in ${args.uri}.`);
          return 'noTarget';
        }
        sources.push(source);
      } else {
        // The file without lines: the rules for an editor decide (whole file, its selection, or asking).
        await vscode.window.showTextDocument(document, { preview: false });
      }
    }
    return applier.apply(args.code, sources);
  });
}

/** The chat's Apply: the turn's question says what it quoted (src/apply/quotedCode.ts). */
export function chatSources(question: string | undefined): ApplySource[] {
  return question ? parseQuotes(question).map((quote) => ({ quote })) : [];
}
