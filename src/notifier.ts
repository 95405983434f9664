import * as vscode from 'vscode';

// Shows messages through vscode.window and remembers the last few, so the in-host tests can see what a
// user was told (a notification's text cannot be read back through the VS Code API).

export interface ShownMessage {
  severity: 'error' | 'warning' | 'info';
  message: string;
  actions: string[];
}

export class Notifier {
  private readonly shown: ShownMessage[] = [];

  /** Shows the message and resolves with the chosen action label (undefined when dismissed). */
  show(severity: ShownMessage['severity'], message: string, actions: string[] = []): Thenable<string | undefined> {
    this.shown.push({ severity, message, actions });
    if (this.shown.length > 50) this.shown.shift();
    switch (severity) {
      case 'error':
        return vscode.window.showErrorMessage(message, ...actions);
      case 'warning':
        return vscode.window.showWarningMessage(message, ...actions);
      default:
        return vscode.window.showInformationMessage(message, ...actions);
    }
  }

  recent(): readonly ShownMessage[] {
    return this.shown;
  }
}
