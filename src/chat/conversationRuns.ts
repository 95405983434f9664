// Which conversations have a question running, and the rules between them. Plain TypeScript (no vscode), so
// that the rules are unit-tested on their own (test/unit/conversationRuns.test.ts):
// - one answer at a time per conversation: a second question while one is answering is not started;
// - Stop takes effect at once (the run is marked stopped and its signal aborts) but the run keeps its place
//   until it has settled, i.e. until the client has sent Coze its cancel;
// - a question sent after Stop waits for that: otherwise Coze answers 4016 (conversation busy).

export interface ConversationRun<T> {
  readonly key: string;
  readonly data: T;
  readonly controller: AbortController;
  /** Set by stop() (or disposal): the user no longer waits for this answer. */
  stopped: boolean;
  /** Settles when the question has ended on Coze's side too (its cancel sent, or its answer in). */
  readonly settled: Promise<void>;
}

interface Entry<T> extends ConversationRun<T> {
  settle(): void;
}

export class ConversationRuns<T> {
  private readonly runs = new Map<string, Entry<T>>();

  /** A question is being answered in this conversation (not stopped). */
  isAnswering(key: string): boolean {
    const run = this.runs.get(key);
    return !!run && !run.stopped;
  }

  /** Some question is still running (or its cancel is still going out), in any conversation. */
  get busy(): boolean {
    return this.runs.size > 0;
  }

  get(key: string): ConversationRun<T> | undefined {
    return this.runs.get(key);
  }

  all(): ConversationRun<T>[] {
    return [...this.runs.values()];
  }

  /**
   * Starts a run, or returns undefined while another one is answering here. `previous` is a stopped run that
   * has not settled yet: the caller awaits its `settled` before sending anything to Coze.
   */
  begin(key: string, data: T): { run: ConversationRun<T>; previous?: ConversationRun<T> } | undefined {
    const previous = this.runs.get(key);
    if (previous && !previous.stopped) return undefined;
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const run: Entry<T> = { key, data, controller: new AbortController(), stopped: false, settled, settle };
    this.runs.set(key, run);
    return previous ? { run, previous } : { run };
  }

  /** Marks the answering run stopped and aborts it; returns it, or undefined when nothing was answering. */
  stop(key: string): ConversationRun<T> | undefined {
    const run = this.runs.get(key);
    if (!run || run.stopped) return undefined;
    run.stopped = true;
    run.controller.abort();
    return run;
  }

  /** The run has ended (answered, failed, or its cancel has gone out): its place is free. */
  end(run: ConversationRun<T>): void {
    const entry = this.runs.get(run.key);
    // A newer question may already run here (sent after Stop): its entry stays.
    if (entry === run) this.runs.delete(run.key);
    (run as Entry<T>).settle();
  }
}
