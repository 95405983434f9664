import * as vscode from 'vscode';

// Shows messages through vscode.window. Under the in-host tests an observer sees each one (a notification's
// text cannot be read back through the VS Code API); for everyone else nothing is kept.

export interface ShownMessage {
  severity: 'error' | 'warning' | 'info';
  message: string;
  actions: string[];
}

export class Notifier {
  /** Under the in-host tests `observe` may answer with a button label in the user's place (src/testingApi.ts). */
  constructor(private readonly observe?: (shown: ShownMessage) => string | undefined | void) {}

  /** Shows the message and resolves with the chosen action label (undefined when dismissed). */
  show(severity: ShownMessage['severity'], message: string, actions: string[] = []): Thenable<string | undefined> {
    const answered = this.observe?.({ severity, message, actions });
    if (typeof answered === 'string') return Promise.resolve(answered);
    switch (severity) {
      case 'error':
        return vscode.window.showErrorMessage(message, ...actions);
      case 'warning':
        return vscode.window.showWarningMessage(message, ...actions);
      default:
        return vscode.window.showInformationMessage(message, ...actions);
    }
  }
}
