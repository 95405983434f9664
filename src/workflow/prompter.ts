import * as vscode from 'vscode';
import { nextQuickInputId, type ShownQuickInput } from '../shownQuickInput';

// The input boxes and pickers of Coze: Run Workflow. Built with createInputBox / createQuickPick rather than
// showInputBox, so that a wait can be ended from outside (the run was canceled while the user was asked) and
// so that, under the in-host tests, an observer sees what is shown: a test then types into it and accepts it
// with VS Code's own command (workbench.action.acceptSelectedQuickOpenItem), as a user would. For everyone
// else the observer is absent and nothing is kept.


export interface InputRequest {
  title: string;
  prompt: string;
  value?: string;
  /** [start, end) of `value` selected (or the cursor, when equal). */
  valueSelection?: [number, number];
  placeholder?: string;
  /** A message when the value cannot be accepted (shown as the user types, and checked on Enter). */
  validate?(value: string): string | undefined;
  /** Closes the box (as Escape does) when aborted. */
  signal?: AbortSignal;
}

export interface PickRequest<T> {
  title: string;
  placeholder: string;
  items: Array<vscode.QuickPickItem & { value: T }>;
}

export class Prompter {

  /** `observe` sees each box as it opens (`open` true), and again once it is gone. */
  constructor(private readonly observe?: (shown: ShownQuickInput, open: boolean) => void) {}

  /** The accepted value; undefined when the user pressed Escape (or `signal` aborted). */
  input(request: InputRequest): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    box.title = request.title;
    box.prompt = request.prompt;
    box.value = request.value ?? '';
    if (request.valueSelection) box.valueSelection = request.valueSelection;
    box.placeholder = request.placeholder;
    box.ignoreFocusOut = true;
    const check = (value: string) => (box.validationMessage = request.validate?.(value));
    return this.wait(box, { id: nextQuickInputId(), kind: 'input', box }, request.signal, (settle) => [
      box.onDidChangeValue(check),
      box.onDidAccept(() => {
        // Checked again: the value may have been set without a change event.
        if (check(box.value) === undefined) settle(box.value);
      }),
    ]);
  }

  /** The value of the item picked; undefined when the user pressed Escape. */
  pick<T>(request: PickRequest<T>): Promise<T | undefined> {
    const box = vscode.window.createQuickPick<vscode.QuickPickItem & { value: T }>();
    box.title = request.title;
    box.placeholder = request.placeholder;
    box.items = request.items;
    box.matchOnDescription = true;
    box.ignoreFocusOut = true;
    const shown = { id: nextQuickInputId(), kind: 'pick', box } as ShownQuickInput;
    return this.wait(box, shown, undefined, (settle) => [
      box.onDidAccept(() => {
        const item = box.selectedItems[0] ?? box.activeItems[0];
        if (item) settle(item.value);
      }),
    ]);
  }

  private wait<T>(
    box: vscode.QuickInput,
    shown: ShownQuickInput,
    signal: AbortSignal | undefined,
    listen: (settle: (value: T) => void) => vscode.Disposable[],
  ): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve) => {
      let result: T | undefined;
      const settle = (value: T) => {
        result = value;
        box.hide();
      };
      const onAbort = () => box.hide();
      const listeners = [
        ...listen(settle),
        box.onDidHide(() => {
          signal?.removeEventListener('abort', onAbort);
          for (const l of listeners) l.dispose();
          box.dispose();
          this.observe?.(shown, false);
          resolve(result);
        }),
      ];
      if (signal?.aborted) {
        queueMicrotask(onAbort);
      } else {
        signal?.addEventListener('abort', onAbort, { once: true });
      }
      box.show();
      this.observe?.(shown, true);
    });
  }
}
