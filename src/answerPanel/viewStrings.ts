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
  };
}
