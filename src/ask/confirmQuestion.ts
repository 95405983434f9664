import * as vscode from 'vscode';
import type { Notifier } from '../notifier';
import { looksBinary, MAX_QUESTION_CHARS } from './questionChecks';

/**
 * The question as it will be sent, or undefined when there is nothing to send or the user declined: at most
 * MAX_QUESTION_CHARS (the user is asked before it is cut) and not binary-looking (asked too). Empty questions
 * never cost a call.
 */
export async function confirmQuestion(question: string, notifier: Notifier): Promise<string | undefined> {
  let text = question.trim();
  if (!text) return undefined;
  if (text.length > MAX_QUESTION_CHARS) {
    const send = vscode.l10n.t('Send the first {0} characters', MAX_QUESTION_CHARS.toLocaleString());
    const choice = await notifier.show(
      'warning',
      vscode.l10n.t('The question is {0} characters long; Ask Coze sends at most {1}.', text.length.toLocaleString(), MAX_QUESTION_CHARS.toLocaleString()),
      [send],
    );
    if (choice !== send) return undefined;
    text = text.slice(0, MAX_QUESTION_CHARS);
  }
  if (looksBinary(text)) {
    const send = vscode.l10n.t('Send Anyway');
    const choice = await notifier.show('warning', vscode.l10n.t('The selection looks like binary data, which a bot cannot read. Send it anyway?'), [send]);
    if (choice !== send) return undefined;
  }
  return text;
}
