import type { AskProgress, ChatStatus, CozeAnswer, CozeAttachment, CozeClient, CozeError, CozeUploadedFile, WorkflowMessage, WorkflowRunResult } from '../coze';
import type { ClientProvider } from '../clientProvider';
import { loadCoze } from '../cozeLoader';
import type { KeyStore } from '../keyStore';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import { apiHost, DEFAULT_BOT_ID, insecureHostToWarn, insecureHttpWarning, isValidBotId, type AskCozeSettings, type ResponseMode } from '../settings';
import * as vscode from 'vscode';
import { AdjustmentReporter } from './adjustmentReporter';
import { confirmQuestion } from './confirmQuestion';
import { describeCozeError, describeWorkflowError, type UserFacingError } from './errorMessages';
import { actionLabel, runFixAction } from './fixActions';
import type { FixAction } from './fixActionList';
import { checkReadyToAsk, type Readiness } from './readiness';
import { statusLine } from './statusLabel';

// The one place that runs a question, for every surface (the answer panel, the chat, and later ones): the
// checks before a call is spent (question, settings, key), the call through the shared client, progress in
// one shape, and the classification of every way it can end into answered / canceled / failed, a failure
// always with a message in the user's language and the fixes that can help. A surface only turns these
// events into its own view. Architecture: docs/architecture.md.

export interface AskInput {
  /** As confirmed by prepare(): trimmed, within bounds. */
  question: string;
  /** The bot to ask; askCoze.botId when absent. */
  botId?: string;
  /** Talk to this chatflow instead (POST /v1/workflows/chat); `botId` is then sent only when given. */
  workflowId?: string;
  /** With `workflowId`: the app the chatflow belongs to. */
  appId?: string;
  /** The Coze conversation to continue (follow-ups, the chat's later turns). */
  conversationId?: string;
  /** askCoze.responseMode when absent. */
  mode?: ResponseMode;
  signal: AbortSignal;
  /** Who asks, for the log ("Ask Coze", "Chat"). */
  source: string;
  /** The settings and key are good and the question goes out now (a surface may open its view here). */
  onStart?(started: { settings: AskCozeSettings; mode: ResponseMode; botId: string }): void;
  onProgress?(update: AskUpdate): void;
  /** Files uploaded with upload(), sent with the question (one object_string message). */
  attachments?: readonly CozeAttachment[];
}

export interface AskUpdate {
  /** The answer so far. */
  text: string;
  status: ChatStatus;
  /** Localized "Thinking · 3 s". */
  statusText: string;
  elapsedMs: number;
  conversationId?: string;
  chatId?: string;
  /** A deep-thinking model's reasoning so far; '' when none. Never part of `text`. */
  reasoning: string;
  /** How long the model thought: the time to the first answer text after reasoning; undefined until then. */
  reasoningMs?: number;
}

/** Facts of a question that ended without an answer: what arrived, and where on Coze it was. */
interface Unanswered {
  partialText: string;
  conversationId?: string;
  chatId?: string;
  settings: AskCozeSettings;
}

export type AskResult =
  | { status: 'answered'; answer: CozeAnswer; elapsedMs: number; settings: AskCozeSettings }
  | ({ status: 'canceled' } & Unanswered)
  | ({
      status: 'failed';
      error: UserFacingError;
      /** The client's error kind, 'not-ready' (nothing was sent), or 'internal' (a bug of ours). */
      kind: string;
      notReady?: 'no-key' | 'invalid-settings';
    } & Unanswered);

/**
 * How a client call other than a question ended (an upload, a workflow leg, a bot listing): like a question, a
 * failure carries its message in the user's language and its fixes.
 */
export type CallResult<T> =
  | { status: 'done'; value: T; settings: AskCozeSettings }
  | { status: 'canceled'; settings: AskCozeSettings }
  | { status: 'failed'; error: UserFacingError; kind: string; notReady?: 'no-key' | 'invalid-settings'; settings: AskCozeSettings };

/** Settings usable and a key stored: what callClient() needs. */
export type ReadyToCall = { settings: AskCozeSettings; token: string };

export interface CallOptions {
  /** Who calls and what, for the log ("Chat: upload of a.png"). */
  source: string;
  what: string;
  /** Words a failure for this call; describeCozeError when absent. */
  describe?(error: CozeError, settings: AskCozeSettings): UserFacingError;
}

export interface WorkflowStepInput {
  workflowId: string;
  /** Start the run, or answer the interrupt it stopped at. */
  step:
    | { kind: 'run'; parameters: Record<string, unknown> }
    | { kind: 'resume'; eventId: string; resumeData: string; interruptType: number };
  botId?: string;
  appId?: string;
  signal: AbortSignal;
  /** Who runs it, for the log. */
  source: string;
  /** The settings and key are good and the request goes out now. */
  onStart?(settings: AskCozeSettings): void;
  /** Every Message event, in order, as it arrives. */
  onMessage?(message: WorkflowMessage): void;
}

export type WorkflowStepResult =
  /** The stream ended: done, or interrupted waiting for the user. */
  | { status: 'ran'; run: WorkflowRunResult; settings: AskCozeSettings }
  | { status: 'canceled'; settings: AskCozeSettings }
  | { status: 'failed'; error: UserFacingError; kind: string; notReady?: 'no-key' | 'invalid-settings'; settings: AskCozeSettings };

export interface AskPipelineDeps {
  keys: KeyStore;
  clients: ClientProvider;
  notifier: Notifier;
  log: Log;
  /** Coze keeps memory per user_id: one per installation. */
  userId: string;
}

export class AskPipeline {
  private readonly adjustments: AdjustmentReporter;
  /** Hosts the user allowed plain http to, already warned about in this session. */
  private readonly warnedInsecureHosts = new Set<string>();
  private readonly answered = new vscode.EventEmitter<void>();
  /** A question got its answer, on any surface (the walkthrough's last step waits for the first: src/walkthrough/). */
  readonly onDidAnswer = this.answered.event;

  constructor(private readonly deps: AskPipelineDeps) {
    this.adjustments = new AdjustmentReporter(deps.notifier, deps.log);
  }

  /** The question as it will be sent, or undefined when empty or declined (asks the user about cuts). */
  prepare(question: string): Promise<string | undefined> {
    return confirmQuestion(question, this.deps.notifier);
  }

  async run(input: AskInput): Promise<AskResult> {
    const ready = await this.checkReady();
    if (!ready.ok) {
      return { status: 'failed', kind: 'not-ready', notReady: ready.reason, error: ready.problem, partialText: '', settings: ready.settings };
    }
    const { settings, token } = ready;
    const mode = input.mode ?? settings.responseMode;
    const botId = input.botId ?? settings.botId;
    const started = Date.now();
    const { log } = this.deps;
    log.info(
      `${input.source}: asking ${apiHost(settings.baseUrl!)} (${input.workflowId ? `chatflow ${input.workflowId}` : `bot ${botId}`}, ${mode}, ${input.question.length} chars, ` +
        `${input.conversationId ? 'continuing' : 'new'} conversation)`,
    );
    input.onStart?.({ settings, mode, botId });
    let last: AskProgress | undefined;
    let reasoningMs: number | undefined;
    const onProgress = (p: AskProgress): void => {
      last = p;
      if (reasoningMs === undefined && p.reasoning && p.text) reasoningMs = p.elapsedMs;
      input.onProgress?.({ text: p.text, status: p.status, statusText: statusLine(p.status, p.elapsedMs), elapsedMs: p.elapsedMs, conversationId: p.conversationId, chatId: p.chatId, reasoning: p.reasoning, reasoningMs });
    };
    try {
      // The client is keyed by settings and token, not by bot: every bot shares one pool and one rate limiter.
      const answer = await this.deps.clients.use({ ...settings, botId }, token, this.deps.userId, (client) =>
        client.ask(input.question, { mode, botId: input.workflowId ? input.botId : botId, workflowId: input.workflowId, appId: input.appId, conversationId: input.conversationId, signal: input.signal, onProgress, attachments: input.attachments }),
      );
      const elapsedMs = Date.now() - started;
      log.info(`${input.source}: answered in ${elapsedMs} ms (${answer.text.length} chars, ${answer.followUps.length} follow-ups, chat ${answer.chatId})`);
      this.answered.fire();
      return { status: 'answered', answer, elapsedMs, settings };
    } catch (err) {
      return this.classify(err, input, settings, last);
    }
  }

  private classify(err: unknown, input: AskInput, settings: AskCozeSettings, last: AskProgress | undefined): AskResult {
    const { log } = this.deps;
    const { isCozeError } = loadCoze();
    if (!isCozeError(err)) {
      log.error(`${input.source}: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const message = vscode.l10n.t('Ask Coze failed unexpectedly. See the log for details.');
      return {
        status: 'failed',
        kind: 'internal',
        error: { severity: 'error', message, actions: ['retry', 'openLog'] },
        partialText: last?.text ?? '',
        conversationId: last?.conversationId ?? input.conversationId,
        chatId: last?.chatId,
        settings,
      };
    }
    const error = err as CozeError;
    const facts: Unanswered = {
      partialText: error.partialText ?? '',
      conversationId: error.conversationId ?? last?.conversationId ?? input.conversationId,
      chatId: error.chatId ?? last?.chatId,
      settings,
    };
    if (error.kind === 'canceled') {
      log.info(`${input.source}: question canceled.`);
      return { status: 'canceled', ...facts };
    }
    log.error(`${input.source}: question failed: ${error.message}`);
    const described = input.workflowId ? describeWorkflowError(error, settings, input.workflowId) : describeCozeError(error, settings);
    return { status: 'failed', kind: error.kind, error: described, ...facts };
  }

  /**
   * Settings usable and a key stored, clamped settings reported, a plain-http host warned about once.
   * `needsBot: false` for calls that do not talk to askCoze.botId's bot (src/ask/readiness.ts).
   */
  async checkReady(opts: { needsBot?: boolean } = {}): Promise<Readiness> {
    const ready = await checkReadyToAsk(this.deps.keys, this.deps.log, opts);
    this.adjustments.report(ready.settings);
    if (!ready.ok) return ready;
    const insecure = insecureHostToWarn(ready.settings, this.warnedInsecureHosts);
    if (insecure) void this.deps.notifier.show('warning', insecureHttpWarning(insecure));
    return ready;
  }

  /**
   * A client call other than a question, on the shared client (one pool, one rate limiter, the same retries,
   * timeouts and cancel), with every way it can fail classified like a question's. The caller checked
   * readiness first (checkReady), so that a picker can say "no key" before it opens.
   */
  async callClient<T>(ready: ReadyToCall, opts: CallOptions, work: (client: CozeClient) => Promise<T>): Promise<CallResult<T>> {
    const { settings, token } = ready;
    const { log, clients, userId } = this.deps;
    // The client checks askCoze.botId when it is built, though these calls may not use it: an unusable value must
    // not keep the user from picking a bot, and the client is keyed without the bot anyway.
    const clientSettings = isValidBotId(settings.botId) ? settings : { ...settings, botId: DEFAULT_BOT_ID };
    try {
      const value = await clients.use(clientSettings, token, userId, work);
      return { status: 'done', value, settings };
    } catch (err) {
      const { isCozeError } = loadCoze();
      if (!isCozeError(err)) {
        log.error(`${opts.source}: ${opts.what} failed unexpectedly: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        const message = vscode.l10n.t('Ask Coze failed unexpectedly. See the log for details.');
        return { status: 'failed', kind: 'internal', error: { severity: 'error', message, actions: ['retry', 'openLog'] }, settings };
      }
      const error = err as CozeError;
      if (error.kind === 'canceled') {
        log.info(`${opts.source}: ${opts.what} canceled.`);
        return { status: 'canceled', settings };
      }
      log.error(`${opts.source}: ${opts.what} failed: ${error.message}`);
      return { status: 'failed', kind: error.kind, error: opts.describe ? opts.describe(error, settings) : describeCozeError(error, settings), settings };
    }
  }

  /** checkReady() then callClient(): a not-ready state is a failure like any other. */
  private async readyThenCall<T>(
    opts: CallOptions,
    work: (client: CozeClient) => Promise<T>,
    onReady?: (settings: AskCozeSettings) => void,
  ): Promise<CallResult<T>> {
    const ready = await this.checkReady();
    if (!ready.ok) return { status: 'failed', kind: 'not-ready', notReady: ready.reason, error: ready.problem, settings: ready.settings };
    onReady?.(ready.settings);
    return this.callClient(ready, opts, work);
  }

  /**
   * One leg of a workflow run (Coze: Run Workflow, src/workflow/): its start with the parameters, or the
   * answer to the interrupt it stopped at. The surface decides what to ask the user between two legs.
   */
  async runWorkflow(input: WorkflowStepInput): Promise<WorkflowStepResult> {
    const { step, workflowId } = input;
    const { log } = this.deps;
    const options = { botId: input.botId, appId: input.appId, signal: input.signal, onMessage: input.onMessage };
    const result = await this.readyThenCall(
      {
        source: input.source,
        what: `workflow ${workflowId}`,
        describe: (error, settings) => describeWorkflowError(error, settings, workflowId),
      },
      (client) => {
        log.info(`${input.source}: ${step.kind === 'run' ? 'running' : 'resuming'} workflow ${workflowId}`);
        return step.kind === 'run'
          ? client.runWorkflow(workflowId, { ...options, parameters: step.parameters })
          : client.resumeWorkflow(workflowId, { eventId: step.eventId, resumeData: step.resumeData, interruptType: step.interruptType }, options);
      },
      (settings) => input.onStart?.(settings),
    );
    if (result.status !== 'done') return result;
    const run = result.value;
    log.info(`${input.source}: workflow ${workflowId} ${run.status} (${run.messages.length} messages${run.executeId ? `, execute id ${run.executeId}` : ''})`);
    if (run.debugUrl) log.info(`${input.source}: the run in Coze: ${run.debugUrl}`);
    return { status: 'ran', run, settings: result.settings };
  }

  /**
   * Uploads a file for a question (POST /v1/files/upload) through the same client as the questions. Logs the
   * name and size only, never the contents.
   */
  async upload(
    file: { name: string; data: Uint8Array },
    opts: { signal: AbortSignal; source: string; onProgress?: (sentBytes: number, totalBytes: number) => void },
  ): Promise<CallResult<CozeUploadedFile>> {
    const { log } = this.deps;
    const result = await this.readyThenCall({ source: opts.source, what: `upload of ${file.name}` }, (client) => {
      log.info(`${opts.source}: uploading ${file.name} (${file.data.byteLength} bytes)`);
      return client.uploadFile(file, { signal: opts.signal, onProgress: opts.onProgress });
    });
    if (result.status === 'done') log.info(`${opts.source}: uploaded ${file.name} as file ${result.value.id}`);
    return result;
  }

  /** The button label of a fix, in the user's language. */
  label(action: FixAction, settings: AskCozeSettings): string {
    return actionLabel(action, settings);
  }

  /** Runs the fix the user picked; `retry` asks again once the fix can have helped. */
  fix(action: FixAction, settings: AskCozeSettings, retry: () => void): Promise<void> {
    return runFixAction(action, settings, this.deps, retry);
  }

  /** Shows a failure as a notification with its fixes as buttons, and runs the one the user picks. */
  notify(error: UserFacingError, settings: AskCozeSettings, retry: () => void): void {
    const labels = new Map<string, FixAction>(error.actions.map((a) => [actionLabel(a, settings), a]));
    void this.deps.notifier.show(error.severity, error.message, [...labels.keys()]).then(async (choice) => {
      const action = choice ? labels.get(choice) : undefined;
      if (action) await this.fix(action, settings, retry);
    });
  }
}
