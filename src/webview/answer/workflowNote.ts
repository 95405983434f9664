import type { AnswerViewStrings, WorkflowRunView } from '../../protocol';
import { el, format } from '../shared/dom';

// Under a workflow run's output: the node it waits at for the user's answer (the question itself is in the
// output, and asked in an input box), or the node it stopped at when the user gave none, and the link to the
// run's page in Coze. Node titles are shown as text.

export class WorkflowNote {
  readonly element = el('div', 'workflow-note');
  private signature = '';

  constructor(private readonly t: AnswerViewStrings) {
    this.element.setAttribute('role', 'status');
    this.element.hidden = true;
  }

  show(workflow: WorkflowRunView | undefined): void {
    const signature = JSON.stringify([workflow?.name, workflow?.waitingAt, workflow?.stoppedAt, workflow?.debugUrl]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.element.replaceChildren();
    this.element.hidden = !workflow;
    if (!workflow) return;
    const { t } = this;
    if (workflow.waitingAt !== undefined) this.element.append(el('p', 'waiting-at', format(t.waitingAt, workflow.waitingAt || workflow.name)));
    if (workflow.stoppedAt !== undefined) this.element.append(el('p', 'stopped-at', format(t.stoppedAt, workflow.stoppedAt || workflow.name)));
    if (workflow.debugUrl) {
      // Opened by the host after it checks the scheme (openLinksThroughHost), like every link in the panel.
      const link = el('a', 'open-run', t.openRun);
      link.href = workflow.debugUrl;
      this.element.append(link);
    }
  }
}
