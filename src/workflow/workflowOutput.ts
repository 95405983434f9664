import type { WorkflowInterrupt, WorkflowMessage } from '../coze';

// A workflow run's output as the answer panel shows it: one Markdown text, and where in it each node's output
// starts, so that the panel draws the node titles as quiet headings of its own instead of trusting them to
// the Markdown (src/webview/shared/sectionedMarkdown.ts). Pure: unit-tested in plain Node
// (test/unit/workflowOutput.test.ts).
//
// A node's output streams as several Message events with the same node_title; the last says node_is_finish.
// A new section starts when the title changes, or after a message that finished its node (the same node can
// run again, e.g. in a loop or after a resume). An Interrupt adds the node's question, and the user's answer
// follows it as a quote.

const MAX_TITLE = 80;
/** As many sections as the panel keeps (protocol.ts reads no more back); later output joins the last one. */
const MAX_NODES = 1000;
const SEPARATOR = '\n\n';

export interface NodeStart {
  title: string;
  /** Offset in the text where the node's output starts. */
  start: number;
}

export class WorkflowOutput {
  private output = '';
  private readonly starts: NodeStart[] = [];
  private open: { title: string; finished: boolean } | undefined;

  get text(): string {
    return this.output;
  }

  get nodes(): NodeStart[] {
    return this.starts.map((n) => ({ ...n }));
  }

  /** The title of the node whose output came last ('' when it had none, undefined before any output). */
  get currentTitle(): string | undefined {
    return this.open?.title;
  }

  add(message: WorkflowMessage): void {
    const title = tidyTitle(message.nodeTitle);
    if (!this.open || this.open.finished || this.open.title !== title) this.startNode(title);
    this.output += message.content;
    this.open!.finished = message.nodeIsFinish === true;
  }

  /** The run waits for the user at a node: its question goes under that node's title. */
  ask(interrupt: Pick<WorkflowInterrupt, 'nodeTitle' | 'prompt'>): void {
    const title = tidyTitle(interrupt.nodeTitle);
    const prompt = interrupt.prompt?.trim() ?? '';
    // The node may have streamed its question as a message already.
    const shown = this.open?.title === title && this.output.slice(this.starts.at(-1)!.start).includes(prompt);
    if (!shown) {
      if (this.open?.title !== title || this.open.finished) this.startNode(title);
      this.output += prompt;
    }
    this.open!.finished = true;
  }

  /** The user's answer to the question asked last, as a quote under it. */
  answer(text: string): void {
    if (!this.open) this.startNode('');
    const quoted = text.split(/\r?\n/).map((line) => `> ${line}`.trimEnd()).join('\n');
    this.output += (this.output === '' || this.output.endsWith(SEPARATOR) ? '' : SEPARATOR) + quoted;
    this.open!.finished = true;
  }

  private startNode(title: string): void {
    this.open = { title, finished: false };
    if (this.starts.length === MAX_NODES) return;
    if (this.output) this.output += SEPARATOR;
    this.starts.push({ title, start: this.output.length });
  }
}

/** Node titles are Coze's text: one line, bounded. */
function tidyTitle(title: string | undefined): string {
  const line = (title ?? '').replace(/\s+/g, ' ').trim();
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE)}…` : line;
}
