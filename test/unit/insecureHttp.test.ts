import * as assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { CozeClient, isCozeError, type CozeClientOptions } from '../../src/coze';
import { checkBaseUrl, insecureHostToWarn, userLevelHostList } from '../../src/endpoint';
import { isListedHost, parseHostEntry } from '../../src/hosts';
import { BOT_ID, TOKEN } from './cozeTestKit';

// Plain http beyond this machine (a Coze Studio on the LAN) only for a host the user listed, at user level.
// No test here sends a byte to a non-loopback address: the client's check is seen before any request, and the one
// "request" to a LAN name goes to undici's MockAgent with real network connections disabled.

const LAN = 'http://192.168.1.20:8888';

describe('plain http to a host the user listed (askCoze.allowInsecureHttpHosts)', () => {
  describe('checkBaseUrl', () => {
    it('accepts http only for the listed host and port, and names the host to warn about', () => {
      assert.deepEqual(checkBaseUrl(`${LAN}/`, ['192.168.1.20:8888']), { url: LAN, insecureHost: '192.168.1.20:8888' });
      assert.deepEqual(checkBaseUrl(`${LAN}/api/`, [' 192.168.1.20:8888 ']), { url: `${LAN}/api`, insecureHost: '192.168.1.20:8888' });
      assert.deepEqual(checkBaseUrl('http://Studio.LAN:8888', ['studio.lan:8888']), { url: 'http://studio.lan:8888', insecureHost: 'studio.lan:8888' });
      assert.deepEqual(checkBaseUrl('http://[fd00::20]:8888', ['[FD00::20]:8888']), { url: 'http://[fd00::20]:8888', insecureHost: '[fd00::20]:8888' });
    });

    it('refuses another host, another port, and an unlisted host as before', () => {
      const listed = ['192.168.1.20:8888'];
      assert.deepEqual(checkBaseUrl('http://192.168.1.21:8888', listed), { problem: 'insecure' });
      assert.deepEqual(checkBaseUrl('http://192.168.1.20:9999', listed), { problem: 'insecure' });
      assert.deepEqual(checkBaseUrl('http://192.168.1.20', listed), { problem: 'insecure' });
      assert.deepEqual(checkBaseUrl('http://192.168.1.20.evil.example:8888', listed), { problem: 'insecure' });
      assert.deepEqual(checkBaseUrl(LAN), { problem: 'insecure' });
      assert.deepEqual(checkBaseUrl(LAN, []), { problem: 'insecure' });
    });

    it('an entry without a port allows any port of that host; an explicit :80 only port 80', () => {
      assert.equal(checkBaseUrl(LAN, ['192.168.1.20']).url, LAN);
      assert.equal(checkBaseUrl('http://192.168.1.20', ['192.168.1.20:80']).url, 'http://192.168.1.20');
      assert.deepEqual(checkBaseUrl(LAN, ['192.168.1.20:80']), { problem: 'insecure' });
    });

    it('does not let a listed host change https or loopback', () => {
      assert.deepEqual(checkBaseUrl('https://192.168.1.20:8888', ['192.168.1.20:8888']), { url: 'https://192.168.1.20:8888' });
      assert.deepEqual(checkBaseUrl('http://127.0.0.1:8888', ['192.168.1.20:8888']), { url: 'http://127.0.0.1:8888' });
    });

    it('ignores entries that are not host[:port]', () => {
      for (const bad of ['', ' ', 'http://192.168.1.20:8888', '192.168.1.20:8888/api', 'user@192.168.1.20', 'fd00::20', '*', '192.168.1.20:99999']) {
        assert.equal(parseHostEntry(bad), undefined, JSON.stringify(bad));
        assert.deepEqual(checkBaseUrl(LAN, [bad]), { problem: 'insecure' }, JSON.stringify(bad));
      }
      assert.ok(isListedHost(new URL(LAN), ['nonsense/', '192.168.1.20:8888']));
    });
  });

  describe('only the user-level value counts', () => {
    it('reads globalValue and nothing else of inspect()', () => {
      assert.deepEqual(userLevelHostList({ globalValue: ['192.168.1.20:8888', 7, ''] }), ['192.168.1.20:8888']);
      assert.deepEqual(userLevelHostList(undefined), []);
      assert.deepEqual(userLevelHostList({ globalValue: '192.168.1.20:8888' }), []);
      const workspaceOnly = {
        key: 'askCoze.allowInsecureHttpHosts',
        defaultValue: [],
        workspaceValue: ['192.168.1.20:8888'],
        workspaceFolderValue: ['192.168.1.20:8888'],
      };
      assert.deepEqual(userLevelHostList(workspaceOnly), []);
      assert.deepEqual(checkBaseUrl(LAN, userLevelHostList(workspaceOnly)), { problem: 'insecure' });
      // A workspace value next to the user's does not widen the user's list either.
      const both = { ...workspaceOnly, workspaceValue: ['192.168.1.21:8888'], globalValue: ['192.168.1.20:8888'] };
      assert.deepEqual(checkBaseUrl('http://192.168.1.21:8888', userLevelHostList(both)), { problem: 'insecure' });
    });
  });

  describe('the warning, once per host per session', () => {
    it('names each opted-in host once, and nothing for https, loopback or a refused URL', () => {
      const warned = new Set<string>();
      const lan = { baseUrl: LAN, insecureHost: '192.168.1.20:8888' };
      assert.equal(insecureHostToWarn(lan, warned), '192.168.1.20:8888');
      assert.equal(insecureHostToWarn(lan, warned), undefined);
      assert.equal(insecureHostToWarn({ baseUrl: 'http://studio.lan', insecureHost: 'studio.lan' }, warned), 'studio.lan');
      assert.equal(insecureHostToWarn({ baseUrl: 'https://api.coze.cn' }, warned), undefined);
      assert.equal(insecureHostToWarn({ baseUrl: undefined, insecureHost: '10.0.0.5' }, warned), undefined);
      assert.deepEqual([...warned], ['192.168.1.20:8888', 'studio.lan']);
    });
  });

  describe('the client', () => {
    const options = (o: Partial<CozeClientOptions>): CozeClientOptions => ({ baseUrl: LAN, token: TOKEN, botId: BOT_ID, userId: 'u', maxRetries: 0, minIntervalMs: 0, ...o });

    it('refuses http to a LAN host without allowInsecureHttp, in the constructor (before any request)', () => {
      for (const baseUrl of [LAN, 'http://studio.lan:8888', 'http://10.0.0.5']) {
        for (const allowInsecureHttp of [undefined, false]) {
          assert.throws(
            () => new CozeClient(options({ baseUrl, allowInsecureHttp })),
            (e: unknown) => isCozeError(e) && e.kind === 'invalid-input' && e.invalidOption === 'baseUrl' && /must use https:\/\//.test(e.message),
          );
        }
      }
    });

    it('still accepts http on loopback without it', async () => {
      await new CozeClient(options({ baseUrl: 'http://127.0.0.2:9' })).close();
      await new CozeClient(options({ baseUrl: 'http://localhost:9' })).close();
    });

    it('with allowInsecureHttp sends to that http host (undici MockAgent, no network)', async () => {
      const agent = new MockAgent();
      agent.disableNetConnect();
      const seen: Array<{ origin: string; auth: string | undefined }> = [];
      agent
        .get('http://studio.lan:8888')
        .intercept({ path: () => true, method: () => true })
        .reply((req) => {
          const headers = req.headers as Record<string, string>;
          seen.push({ origin: String(req.origin), auth: headers.Authorization ?? headers.authorization });
          return { statusCode: 401, data: JSON.stringify({ code: 4100, msg: 'authentication is invalid' }), responseOptions: { headers: { 'content-type': 'application/json' } } };
        });
      const client = new CozeClient(options({ baseUrl: 'http://studio.lan:8888', allowInsecureHttp: true, dispatcher: agent }));
      try {
        await assert.rejects(client.ask('hello', { mode: 'poll' }), (e: unknown) => isCozeError(e) && e.kind !== 'invalid-input');
        assert.deepEqual(seen, [{ origin: 'http://studio.lan:8888', auth: `Bearer ${TOKEN}` }]);
      } finally {
        await client.close();
        await agent.close();
      }
    });
  });
});
