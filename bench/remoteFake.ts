// The fake Coze server in its own process (out/test/fake-coze/cli.js), driven through its control API
// (/__fake/*). The streaming section uses it so that the server's work (10,000 JSON events) runs on the other
// core, as Coze would, instead of sharing the client's event loop and heap.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Agent, request } from 'undici';

export interface RemoteChat {
  id: string;
  answers: string[];
  status: string;
}

export class RemoteFake {
  /** Control calls get their own pool, apart from the connections being measured. */
  private readonly agent = new Agent({ keepAliveTimeout: 10_000 });

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(token: string): Promise<RemoteFake> {
    const cli = path.join(__dirname, '..', 'test', 'fake-coze', 'cli.js');
    const child = spawn(process.execPath, [cli, '--port', '0', '--token', token], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`fake-coze did not start within 10 s. ${stderr}`)), 10_000);
      child.stdout!.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        const m = /listening on (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`fake-coze exited (${String(code)}) before listening. ${stderr}`));
      });
    });
    return new RemoteFake(child, url);
  }

  /** Forgets chats and requests, then applies `behavior` (reset also puts the behavior back to its start). */
  async resetWith(behavior: Record<string, unknown>): Promise<void> {
    await this.control('POST', '/__fake/reset', {});
    await this.control('POST', '/__fake/behavior', behavior);
  }

  async chats(): Promise<RemoteChat[]> {
    return (await this.control('GET', '/__fake/chats')) as RemoteChat[];
  }

  async requests(): Promise<Array<{ endpoint: string }>> {
    return (await this.control('GET', '/__fake/requests')) as Array<{ endpoint: string }>;
  }

  async close(): Promise<void> {
    await this.agent.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private async control(method: 'GET' | 'POST', p: string, body?: unknown): Promise<unknown> {
    const res = await request(this.url + p, {
      method,
      dispatcher: this.agent,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`fake-coze control ${method} ${p}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  }
}
