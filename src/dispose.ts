import type * as vscode from 'vscode';

// The base of every class that owns resources (listeners, emitters, timers, child objects), after the pattern
// of VS Code's own extensions and vscode-hexeditor: what a class registers is disposed with it, once, and a
// registration after disposal is disposed at once instead of leaking. Type-only import of vscode: the
// Disposable interface is structural, so plain-Node code (the chat's state machine, its tests) can use it too.

export interface IDisposable {
  dispose(): void;
}

export function disposeAll(disposables: IDisposable[]): void {
  while (disposables.length) {
    try {
      disposables.pop()?.dispose();
    } catch {
      // One failing disposal must not keep the others alive.
    }
  }
}

export abstract class Disposable implements vscode.Disposable {
  private disposedFlag = false;
  private readonly owned: IDisposable[] = [];

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    disposeAll(this.owned);
  }

  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Disposes `value` with this object; at once when this object is already disposed. */
  protected register<T extends IDisposable>(value: T): T {
    if (this.disposedFlag) value.dispose();
    else this.owned.push(value);
    return value;
  }
}

/** A timer as a disposable, so that a class registers it like any other resource. */
export function timeoutDisposable(handle: ReturnType<typeof setTimeout>): IDisposable {
  return { dispose: () => clearTimeout(handle) };
}
