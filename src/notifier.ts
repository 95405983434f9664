import * as vscode from 'vscode';

// Shows messages through vscode.window. Under the in-host tests an observer sees each one (a notification's
// text cannot be read back through the VS Code API); for everyone else nothing is kept.

export interface ShownMessage {
  severity: 'error' | 'warning' | 'info';
  message: string;
  actions: string[];
}

export class Notifier {
  constructor(private readonly observe?: (shown: ShownMessage) => void) {}

  /** Shows the message and resolves with the chosen action label (undefined when dismissed). */
  show(severity: ShownMessage['severity'], message: string, actions: string[] = []): Thenable<string | undefined> {
    this.observe?.({ severity, message, actions });
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
