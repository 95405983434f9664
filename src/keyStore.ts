import * as vscode from 'vscode';
import { Disposable } from './dispose';

// The Coze token lives only in SecretStorage (the OS keychain on the desktop), one per API origin: a token
// works only on the region that issued it, so a cn token must never be sent to api.coze.com by accident.

const PREFIX = 'askCoze.token:';

export { normalizeToken, tokenShape, type TokenShape } from './tokenShape';
import { normalizeToken } from './tokenShape';

export class KeyStore extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  /** Fires with the origin whose key changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    super();
    this.register(
      secrets.onDidChange((e) => {
        if (e.key.startsWith(PREFIX)) this.changed.fire(e.key.slice(PREFIX.length));
      }),
    );
  }

  static originOf(baseUrl: string): string {
    return new URL(baseUrl).origin;
  }

  async get(baseUrl: string): Promise<string | undefined> {
    const value = await this.secrets.get(PREFIX + KeyStore.originOf(baseUrl));
    return value ? value : undefined;
  }

  async set(baseUrl: string, token: string): Promise<void> {
    await this.secrets.store(PREFIX + KeyStore.originOf(baseUrl), normalizeToken(token));
  }

  async delete(baseUrl: string): Promise<void> {
    await this.secrets.delete(PREFIX + KeyStore.originOf(baseUrl));
  }
}
