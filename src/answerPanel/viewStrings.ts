import * as vscode from 'vscode';
import type { AnswerViewStrings } from '../protocol';

/** The answer panel's strings, translated by the host (webviews have no access to vscode.l10n). */
export function answerViewStrings(): AnswerViewStrings {
  return {
    question: vscode.l10n.t('Question'),
    waiting: vscode.l10n.t('Waiting for Coze…'),
    copyAnswer: vscode.l10n.t('Copy answer'),
    copyCode: vscode.l10n.t('Copy'),
    copied: vscode.l10n.t('Copied'),
    retry: vscode.l10n.t('Retry'),
    followUps: vscode.l10n.t('Ask next'),
    stopped: vscode.l10n.t('Stopped: the answer is incomplete.'),
    failed: vscode.l10n.t('The answer failed.'),
    tokens: vscode.l10n.t('{0} tokens'),
    bot: vscode.l10n.t('Bot {0}'),
    code: vscode.l10n.t('code {0}'),
    logId: vscode.l10n.t('logid {0}'),
    showMore: vscode.l10n.t('Show more'),
    showLess: vscode.l10n.t('Show less'),
    continueInChat: vscode.l10n.t('Continue in chat'),
    parameters: vscode.l10n.t('Parameters'),
    workflow: vscode.l10n.t('Workflow {0}'),
    openRun: vscode.l10n.t('Open run in Coze'),
    stoppedAt: vscode.l10n.t('Stopped at “{0}”: the workflow was waiting for your answer.'),
    waitingAt: vscode.l10n.t('“{0}” is waiting for your answer.'),
    thinking: vscode.l10n.t('Thinking…'),
    thoughtFor: vscode.l10n.t('Thought for {0} s'),
    thoughts: vscode.l10n.t('Thought process'),
    applyCode: vscode.l10n.t('Apply'),
    applyCodeHint: vscode.l10n.t('Apply to the file: review the change in a diff, then accept or discard it'),
  };
}
