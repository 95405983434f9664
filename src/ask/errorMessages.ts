import * as vscode from 'vscode';
import type { CozeError } from '../coze';
import { apiHost, isValidBotId } from '../endpoint';
import type { FixAction } from './fixActionList';
import { insecureBaseUrlMessage, type AskCozeSettings } from '../settings';

// Turns a failure into a message for the user, in their language, with Coze's code and logid (support asks
// for the logid) and the actions that can fix it. The client's own English message is kept for the log.

export interface UserFacingError {
  severity: 'error' | 'warning' | 'info';
  message: string;
  actions: FixAction[];
  code?: number;
  logId?: string;
}

function withFacts(message: string, code: number | undefined, logId: string | undefined): string {
  const facts: string[] = [];
  if (code !== undefined) facts.push(vscode.l10n.t('code {0}', code));
  // The client's own detail may already name the logid; once is enough.
  if (logId && !message.includes(logId)) facts.push(vscode.l10n.t('logid {0}', logId));
  return facts.length ? `${message} (${facts.join(', ')})` : message;
}

/** Coze's own `msg`, when the client recorded one; it is server text, so it is trimmed and shortened. */
function cozeMsg(error: CozeError): string {
  const raw = error.cozeMessage ?? error.lastError?.msg ?? '';
  const text = raw.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function describeCozeError(error: CozeError, settings: AskCozeSettings): UserFacingError {
  const host = settings.baseUrl ? apiHost(settings.baseUrl) : '';
  const { code, logId } = error;
  const detail = cozeMsg(error);
  const suffix = detail ? ` ${vscode.l10n.t('Coze said: "{0}".', detail)}` : '';
  const make = (severity: UserFacingError['severity'], message: string, actions: FixAction[]): UserFacingError => ({
    severity,
    message: withFacts(message, code, logId),
    actions,
    code,
    logId,
  });
  const regionActions: FixAction[] = settings.region === 'custom' || settings.region === 'studio' ? ['setKey', 'openSettings'] : ['setKey', 'switchRegion'];

  switch (error.kind) {
    case 'canceled':
      return make('info', vscode.l10n.t('The question was canceled.'), []);
    case 'invalid-input':
      if (error.invalidOption === 'token') return make('error', vscode.l10n.t('The saved API key cannot be used.') + ` ${error.message}`, ['setKey']);
      if (error.invalidOption === 'proxy' || error.invalidOption === 'tls') {
        return make('error', vscode.l10n.t('The proxy settings cannot be used.') + ` ${error.message}`, ['openProxySettings']);
      }
      return make('error', vscode.l10n.t('A setting of Ask Coze cannot be used.') + ` ${error.message}`, ['openSettings']);
    case 'timeout':
      if (error.reason === 'max-wait') {
        return make('error', vscode.l10n.t('Coze did not finish the answer within the longest wait (askCoze.maxWaitSeconds).'), ['retry', 'openSettings']);
      }
      return make('error', vscode.l10n.t('Coze did not answer in time.') + ` ${error.message}`, ['retry', 'openSettings', 'openLog']);
    case 'network':
      switch (error.reason) {
        case 'proxy-refused':
        case 'proxy-auth':
        case 'proxy-error':
          return make('error', vscode.l10n.t('The proxy did not let the request through.') + ` ${error.message}`, ['openProxySettings', 'retry', 'openLog']);
        case 'tls-self-signed':
        case 'tls-unknown-issuer':
        case 'tls-hostname-mismatch':
        case 'tls-expired':
        case 'tls-untrusted':
          // Never downgraded silently: the user decides (a corporate CA via NODE_EXTRA_CA_CERTS, or http.proxyStrictSSL).
          return make('error', vscode.l10n.t('The connection to {0} is not secure: its certificate is not trusted.', host) + ` ${error.message}`, ['openProxySettings', 'openLog']);
        case 'dns':
          return make('error', vscode.l10n.t('Could not find {0}. Check the network, the proxy and the region.', host) + ` ${error.message}`, ['retry', 'openSettings', 'openLog']);
        default:
          break;
      }
      if (error.httpStatus && error.httpStatus >= 500) {
        return make('error', vscode.l10n.t('{0} is unavailable (HTTP {1}).', host, error.httpStatus) + ` ${error.message}`, ['retry', 'openLog']);
      }
      if (error.partialText) {
        return make('error', vscode.l10n.t('The connection to {0} broke in the middle of the answer; what arrived is kept.', host) + ` ${error.message}`, ['retry', 'openLog']);
      }
      return make('error', vscode.l10n.t('Could not reach {0}. Check your network or proxy.', host) + ` ${error.message}`, ['retry', 'openLog']);
    case 'protocol':
      return make('error', vscode.l10n.t('Coze sent a reply this extension could not read.') + ` ${error.message}`, ['retry', 'openLog']);
    case 'chat-failed':
      return make('error', vscode.l10n.t('Coze could not answer this question.') + suffix, ['retry', 'openLog']);
    case 'requires-action':
      return make(
        'warning',
        vscode.l10n.t('The bot asked to run a tool on your side, which Ask Coze does not support. Use a bot without client-side plugins.'),
        ['openSettings'],
      );
    case 'api':
      break;
  }

  // Self-hosted Coze Studio: no regions, its own keys, its own codes (docs/coze-api.md#coze-studio).
  if (settings.region === 'studio') {
    // Studio answers many failures as HTTP 400 with code 400 and the real code inside msg ("code=103100002
    // message=…", docs/coze-api.md#coze-studio): the inner code says what went wrong.
    const inner = code === 400 ? Number(/\bcode=(\d+)/.exec(error.cozeMessage ?? '')?.[1]) : NaN;
    const studioCode = Number.isFinite(inner) ? inner : code;
    const studio = (severity: UserFacingError['severity'], message: string, actions: FixAction[]): UserFacingError => ({
      severity,
      message: withFacts(message, studioCode, logId),
      actions,
      code: studioCode,
      logId,
    });
    switch (studioCode) {
      case 4100:
      case 4101:
      case 700012006:
        return studio(
          'error',
          vscode.l10n.t('Coze Studio at {0} rejected the API key. Create a personal access token in Coze Studio (account menu → API Authorization) and set it.', host) + suffix,
          ['setKey', 'openSettings'],
        );
      case 4015:
      case 103100001:
      case 103100002:
        return studio(
          'error',
          vscode.l10n.t('Bot {0} cannot be used through the API of this Coze Studio. In Coze Studio, open the bot, choose Publish, tick the "API" connector, and publish it.', settings.botId) + suffix,
          ['openSettings', 'retry'],
        );
      case 404:
        return studio(
          'error',
          vscode.l10n.t('This Coze Studio at {0} does not offer this request: it is older than this feature. Update Coze Studio (v0.5.1 or newer), or use the stream response mode.', host) + suffix,
          ['openSettings', 'openLog'],
        );
      default:
        break;
    }
  }

  switch (code) {
    case 4100:
    case 700012006:
      return make(
        'error',
        vscode.l10n.t('Coze rejected the API key for {0}: it is invalid or expired, or it belongs to the other region.', host) + suffix,
        regionActions,
      );
    case 4101:
      return make(
        'error',
        vscode.l10n.t('The API key lacks permission for this bot on {0}, or belongs to the other region.', host) + suffix,
        regionActions,
      );
    case 4015:
      return make(
        'error',
        vscode.l10n.t('Bot {0} is not published to the API channel. In Coze, open the bot, choose Publish, tick "API", and publish again.', settings.botId),
        ['openSettings', 'retry'],
      );
    case 4006:
    case 4200:
      return make('error', vscode.l10n.t('Coze does not know bot {0}. Check askCoze.botId.', settings.botId) + suffix, ['openSettings']);
    case 4008:
      return make('error', vscode.l10n.t("The bot's daily limit is reached. Try again tomorrow.") + suffix, ['openLog']);
    case 4009:
    case 4013:
    case 4020:
      return make('error', vscode.l10n.t('Coze is busy or rate-limited. Wait a moment and try again.') + suffix, ['retry', 'openLog']);
    case 4010:
      return make('error', vscode.l10n.t('The question is too long for the bot\'s model. Select less text and try again.') + suffix, []);
    case 4011:
    case 4019:
    case 4022:
      return make('error', vscode.l10n.t('Your Coze account has no balance left for this request.') + suffix, ['openLog']);
    case 4016:
      return make('warning', vscode.l10n.t('The conversation is still busy with another answer. Try again when it has finished.') + suffix, ['retry']);
    case 4102:
      return make('error', vscode.l10n.t('Coze blocked the request (risk control).') + suffix, ['openLog']);
    case 5000:
      return make('error', vscode.l10n.t('Coze had a server error. Check the bot id, then try again.') + suffix, ['retry', 'openSettings', 'openLog']);
    default:
      if (error.httpStatus && error.httpStatus >= 500) {
        return make('error', vscode.l10n.t('{0} is unavailable (HTTP {1}).', host, error.httpStatus), ['retry', 'openLog']);
      }
      return make('error', vscode.l10n.t('Coze returned an error.') + suffix, ['retry', 'openLog']);
  }
}

/**
 * A failure of a workflow run or a chatflow chat: as any other, except that "not found" (4200, also an
 * unpublished workflow: docs/coze-api.md#beyond-chat) names the workflow rather than askCoze.botId.
 */
export function describeWorkflowError(error: CozeError, settings: AskCozeSettings, workflowId: string): UserFacingError {
  if (error.kind === 'api' && (error.code === 4200 || error.code === 4006)) {
    const detail = cozeMsg(error);
    const message =
      vscode.l10n.t('Coze does not know workflow {0}, or it is not published. In Coze, publish the workflow and check its id.', workflowId) +
      (detail ? ` ${vscode.l10n.t('Coze said: "{0}".', detail)}` : '');
    return { severity: 'error', message: withFacts(message, error.code, error.logId), actions: ['openSettings'], code: error.code, logId: error.logId };
  }
  return describeCozeError(error, settings);
}

/** For errors that happen before any request: settings that cannot work. */
export function describeSettingsProblem(settings: AskCozeSettings): UserFacingError | undefined {
  if ((settings.region === 'custom' || settings.region === 'studio') && !settings.baseUrl) {
    const message =
      settings.baseUrlProblem === 'insecure'
        ? insecureBaseUrlMessage(settings.insecureHost ?? '')
        : settings.baseUrlProblem === 'missing'
          ? vscode.l10n.t('Region is "custom" but askCoze.baseUrl is empty. Enter the API address, or choose the cn or com region.')
          : vscode.l10n.t('askCoze.baseUrl is not a valid URL (expected e.g. https://api.example.com).');
    return { severity: 'error', message, actions: ['openSettings'] };
  }
  if (!isValidBotId(settings.botId)) {
    return {
      severity: 'error',
      message: vscode.l10n.t('askCoze.botId must be the numeric id of a Coze bot (the digits after /bot/ in its URL), not "{0}".', settings.botId.slice(0, 40)),
      actions: ['openSettings'],
    };
  }
  return undefined;
}
