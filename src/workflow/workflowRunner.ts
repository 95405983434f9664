import * as vscode from 'vscode';
import type { AnswerPanel } from '../answerPanel/answerPanel';
import { selectedText, showProgress, type AnswerSurface } from '../answerPanel/answerSurface';
import type { AskPipeline, WorkflowStepInput } from '../ask/askPipeline';
import type { UserFacingError } from '../ask/errorMessages';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import { isAllowedExternalLink, type AnswerViewState } from '../protocol';
import type { Prompter } from './prompter';
import {
  checkParameters,
  MAX_PARAMETERS_CHARS,
  parseRunWorkflowArgs,
  parseWorkflows,
  prefillParameters,
  readRemembered,
  remember,
  rememberedFor,
  workflowIdOf,
  type WorkflowEntry,
} from './workflowModel';
import { WorkflowOutput } from './workflowOutput';

// Coze: Run Workflow. Picks a workflow (askCoze.workflows, or a pasted id), asks for its parameters (a JSON
// object, remembered per workflow; the editor's selection fills one, see prefillParameters), runs it through
// the ask pipeline with a cancellable progress notification (Coze: Stop Answer cancels it the same way), and
// streams its output into an answer panel, node by node. At an Interrupt the node's question is shown and asked
// in an input box: the answer resumes the run in the same panel; Escape stops it there, keeping everything shown.

const REMEMBERED_KEY = 'askCoze.workflow.parameters';
const SOURCE = 'Run Workflow';

/** What askCoze.runWorkflow resolves with (tests and other callers read it). */
export type WorkflowOutcome =
  | { status: 'done'; text: string; executeId?: string; debugUrl?: string }
  /** The user gave no answer at an interrupt: the run stopped at that node. */
  | { status: 'stopped'; at: string; text: string }
  | { status: 'canceled'; text: string }
  | { status: 'failed'; kind: string; code?: number; logId?: string; message: string; text: string }
  | { status: 'no-key' }
  | { status: 'invalid-settings'; message: string }
  | { status: 'empty' };

export interface WorkflowRunnerDeps {
  pipeline: AskPipeline;
  answers: AnswerSurface;
  prompter: Prompter;
  /** Remembers the parameters last sent to each workflow. */
  globalState: vscode.Memento;
  log: Log;
}

/** One run on its way into a panel. */
class RunView {
  readonly output = new WorkflowOutput();
  debugUrl: string | undefined;
  private readonly started = Date.now();
  /** The notification's message, set again only when it changes. */
  private reported = '';

  constructor(
    readonly panel: AnswerPanel,
    private readonly target: WorkflowEntry,
    private readonly parametersText: string,
    private readonly report: (message: string) => void,
  ) {}

  show(
    phase: AnswerViewState['phase'],
    extra: { statusText?: string; waitingAt?: string; stoppedAt?: string; error?: UserFacingError; keyFailure?: { error: NonNullable<AnswerViewState['error']>; canRetry: false } } = {},
  ): void {
    const { error, waitingAt, stoppedAt, statusText, keyFailure } = extra;
    const final = phase !== 'waiting' && phase !== 'streaming';
    this.panel.update({
      question: this.parametersText,
      text: this.output.text,
      phase,
      statusText,
      followUps: [],
      botId: '',
      ...(final ? { elapsedMs: Date.now() - this.started } : {}),
      ...(keyFailure ?? (error ? { error: { message: error.message, code: error.code, logId: error.logId } } : {})),
      workflow: {
        id: this.target.id,
        name: this.target.name,
        nodes: this.output.nodes,
        ...(this.debugUrl ? { debugUrl: this.debugUrl } : {}),
        ...(waitingAt !== undefined ? { waitingAt } : {}),
        ...(stoppedAt !== undefined ? { stoppedAt } : {}),
      },
    });
  }

  /** Sets the progress notification's message. */
  tell(message: string): void {
    if (message !== this.reported) this.report(message);
    this.reported = message;
  }

  /** The panel and the notification while output arrives. */
  progress(): void {
    const title = this.output.currentTitle;
    const status = title ? vscode.l10n.t('Running “{0}”…', title) : vscode.l10n.t('Running the workflow…');
    this.tell(status);
    this.show(this.output.text ? 'streaming' : 'waiting', { statusText: status });
  }
}

export class WorkflowRunner extends Disposable {
  private readonly running = new Set<AbortController>();

  constructor(private readonly deps: WorkflowRunnerDeps) {
    super();
    deps.answers.workflowRetry = (panel) => void this.retry(panel);
    this.register({ dispose: () => this.running.forEach((controller) => controller.abort()) });
  }

  /** The palette entry point: workflow, parameters, run. `{ workflowId }` skips the picker. */
  async runFromCommand(arg?: unknown): Promise<WorkflowOutcome> {
    const target = await this.chooseWorkflow(parseRunWorkflowArgs(arg).workflowId);
    if (!target) return { status: 'empty' };
    const parametersText = await this.askParameters(target);
    if (parametersText === undefined) return { status: 'empty' };
    return this.run(target, parametersText);
  }

  private configured(): WorkflowEntry[] {
    const problems: string[] = [];
    const workflows = parseWorkflows(vscode.workspace.getConfiguration('askCoze').get<unknown>('workflows'), problems);
    for (const problem of problems) this.deps.log.warn(problem);
    return workflows;
  }

  private async chooseWorkflow(givenId: string | undefined): Promise<WorkflowEntry | undefined> {
    const workflows = this.configured();
    if (givenId) return workflows.find((w) => w.id === givenId) ?? { id: givenId, name: givenId };
    const title = vscode.l10n.t('Run Workflow');
    if (workflows.length) {
      const choice = await this.deps.prompter.pick<WorkflowEntry | 'paste'>({
        title,
        placeholder: vscode.l10n.t('Pick a workflow (from askCoze.workflows)'),
        items: [
          ...workflows.map((w) => ({ label: w.name, description: w.id, value: w })),
          { label: `$(edit) ${vscode.l10n.t('Paste a workflow id…')}`, alwaysShow: true, value: 'paste' as const },
        ],
      });
      if (choice !== 'paste') return choice;
    }
    const pasted = await this.deps.prompter.input({
      title,
      prompt: vscode.l10n.t('The workflow id: the workflow_id in the address of its page in Coze. Workflows you run often can go into askCoze.workflows.'),
      placeholder: vscode.l10n.t('e.g. 7445600453913968691'),
      validate: (value) => (workflowIdOf(value) ? undefined : vscode.l10n.t('A workflow id is a number, e.g. 7445600453913968691.')),
    });
    const id = pasted === undefined ? undefined : workflowIdOf(pasted);
    return id ? { id, name: id } : undefined;
  }

  /** The parameters as typed (a JSON object), remembered for this workflow; undefined on Escape. */
  private async askParameters(target: WorkflowEntry, value?: string): Promise<string | undefined> {
    const { globalState } = this.deps;
    const prefill = value !== undefined ? { value } : prefillParameters(rememberedFor(readRemembered(globalState.get(REMEMBERED_KEY)), target.id), selectedText());
    const text = await this.deps.prompter.input({
      title: vscode.l10n.t('Run Workflow: {0}', target.name),
      prompt: vscode.l10n.t('Its parameters, as a JSON object (the variables of its start node). A selection in the editor fills "input".'),
      value: prefill.value,
      valueSelection: prefill.selection,
      validate: parametersProblem,
    });
    if (text !== undefined) await globalState.update(REMEMBERED_KEY, remember(readRemembered(globalState.get(REMEMBERED_KEY)), target.id, text));
    return text;
  }

  /** Retry in a workflow's panel: the same workflow and parameters, into the same panel. */
  private async retry(panel: AnswerPanel): Promise<WorkflowOutcome> {
    const shown = panel.currentState;
    if (!shown.workflow || shown.phase === 'waiting' || shown.phase === 'streaming') return { status: 'empty' };
    const target = this.configured().find((w) => w.id === shown.workflow!.id) ?? { id: shown.workflow.id, name: shown.workflow.name };
    const parametersText = checkParameters(shown.question).ok ? shown.question : await this.askParameters(target, shown.question);
    if (parametersText === undefined) return { status: 'empty' };
    return this.run(target, parametersText, panel);
  }

  async run(target: WorkflowEntry, parametersText: string, reuse?: AnswerPanel): Promise<WorkflowOutcome> {
    const checked = checkParameters(parametersText);
    if (!checked.ok) return { status: 'empty' };
    const controller = new AbortController();
    const { signal } = controller;
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    let view: RunView | undefined;
    this.running.add(controller);
    // From the first call to the end, also while an Interrupt's input box waits (its notification's Cancel works
    // there too): the run is an answer in flight, so askCoze.asking is set and Coze: Stop Answer aborts it with
    // the questions, ending as Cancel does (docs/architecture.md).
    const release = this.deps.answers.track(controller);
    try {
      let step: WorkflowStepInput['step'] = { kind: 'run', parameters: checked.parameters };
      for (;;) {
        const result = await this.deps.pipeline.runWorkflow({
          workflowId: target.id,
          step,
          botId: target.botId,
          appId: target.appId,
          signal,
          source: SOURCE,
          // The panel and the notification appear only once the run really goes out.
          onStart: () => {
            if (view) return;
            const panel = reuse && !reuse.isDisposed ? reuse : this.deps.answers.panels.open(this.initialState(target, parametersText));
            view = new RunView(panel, target, parametersText, showProgress(controller, done, vscode.l10n.t('Running workflow {0}…', target.name)));
            view.progress();
            panel.reveal();
          },
          onMessage: (message) => {
            if (!view) return;
            view.output.add(message);
            view.progress();
          },
        });
        if (result.status === 'canceled') {
          view?.show('canceled');
          return { status: 'canceled', text: view?.output.text ?? '' };
        }
        if (result.status === 'failed') {
          const { error } = result;
          // Only a new key fixes it: Set API Key instead of Retry, and the run again once a key is set (src/ask/keyFailure.ts).
          const keyFailure = view ? this.deps.answers.keyFailureView(error, result.settings) : undefined;
          view?.show('failed', { error, keyFailure });
          const again = view?.panel;
          this.deps.pipeline.notify(error, result.settings, () =>
            keyFailure && again ? this.deps.answers.askAgainOnceWithKey(again) : void this.run(target, parametersText, again),
          );
          if (result.notReady === 'no-key') return { status: 'no-key' };
          if (result.notReady === 'invalid-settings') return { status: 'invalid-settings', message: error.message };
          return { status: 'failed', kind: result.kind, code: error.code, logId: error.logId, message: error.message, text: view?.output.text ?? '' };
        }
        const { run } = result;
        if (!view) throw new Error('a workflow ran without starting');
        // Coze's text: only an http(s) address becomes a link.
        if (run.debugUrl && isAllowedExternalLink(run.debugUrl)) view.debugUrl = run.debugUrl;
        if (run.status === 'done') {
          view.show('done');
          return { status: 'done', text: view.output.text, executeId: run.executeId, debugUrl: view.debugUrl };
        }
        const answer = await this.askAtInterrupt(view, target, run.interrupt, signal);
        const at = run.interrupt.nodeTitle ?? '';
        if (answer === undefined) {
          if (signal.aborted) {
            view.show('canceled');
            return { status: 'canceled', text: view.output.text };
          }
          this.deps.log.info(`${SOURCE}: no answer at "${at}": workflow ${target.id} stopped.`);
          view.show('canceled', { stoppedAt: at });
          return { status: 'stopped', at, text: view.output.text };
        }
        view.output.answer(answer);
        view.progress();
        step = { kind: 'resume', eventId: run.interrupt.eventId, resumeData: answer, interruptType: run.interrupt.type };
      }
    } finally {
      finished();
      this.running.delete(controller);
      release();
    }
  }

  /** Shows the node's question in the panel and asks it; undefined when the user pressed Escape. */
  private askAtInterrupt(
    view: RunView,
    target: WorkflowEntry,
    interrupt: { nodeTitle?: string; prompt?: string },
    signal: AbortSignal,
  ): Promise<string | undefined> {
    view.output.ask(interrupt);
    const node = interrupt.nodeTitle?.trim() ?? '';
    const waiting = vscode.l10n.t('Waiting for your answer…');
    view.tell(waiting);
    view.show('streaming', { statusText: waiting, waitingAt: node });
    return this.deps.prompter.input({
      title: node ? `${target.name} · ${node}` : target.name,
      prompt: interrupt.prompt?.trim() || vscode.l10n.t('The workflow is waiting for your answer.'),
      placeholder: vscode.l10n.t('Your answer (Escape stops the workflow)'),
      validate: (value) => (value.trim() ? undefined : vscode.l10n.t('Type an answer, or press Escape to stop the workflow.')),
      signal,
    });
  }

  private initialState(target: WorkflowEntry, parametersText: string): AnswerViewState {
    return {
      question: parametersText,
      text: '',
      phase: 'waiting',
      statusText: vscode.l10n.t('Running the workflow…'),
      followUps: [],
      botId: '',
      workflow: { id: target.id, name: target.name, nodes: [] },
    };
  }
}

/** What is wrong with the parameters as typed, in the user's language; undefined when they can be sent. */
function parametersProblem(text: string): string | undefined {
  const checked = checkParameters(text);
  if (checked.ok) return undefined;
  switch (checked.problem) {
    case 'json':
      return vscode.l10n.t('This is not valid JSON: {0}', checked.detail);
    case 'not-object':
      return vscode.l10n.t('The parameters must be a JSON object, e.g. {"input": "hello"}.');
    case 'too-long':
      return vscode.l10n.t('The parameters are too long: at most {0} characters.', MAX_PARAMETERS_CHARS.toLocaleString());
  }
}
