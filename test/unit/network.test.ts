// Networks as users have them, with real parts: the fake Coze server over HTTPS with a test CA made by openssl,
// Debian's tinyproxy (with and without Basic auth), a closed port as a proxy that refuses, NO_PROXY, and
// NODE_EXTRA_CA_CERTS in a child process. Skipped (with the reason) only when openssl or tinyproxy is missing.

import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { CozeClient, type CozeClientOptions, type RequestLogEntry } from '../../src/coze';
import { bypassesProxy, resolveProxy, trustedCas } from '../../src/coze/dispatcher';
import { FakeCozeServer } from '../fake-coze/server';
import { BOT_ID, FAST_BEHAVIOR, TOKEN, assertNoTokenLeak, expectCozeError, type Kit } from './cozeTestKit';
import { opensslAvailable, testPki, type TestPki } from './fixtures/testPki';
import { freePort, startTinyproxy, tinyproxyAvailable, type Tinyproxy } from './fixtures/tinyproxy';

const PROXY_USER = 'ask-coze';
const PROXY_PASSWORD = 'pr0xy-s3cret';

/** Servers for one describe block: an HTTP fake, HTTPS fakes with good and bad certificates. */
interface Servers {
  http: FakeCozeServer;
  https: FakeCozeServer;
  wrongHost: FakeCozeServer;
  expired: FakeCozeServer;
  selfSigned: FakeCozeServer;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe('Network: TLS and proxies (real openssl certificates, real tinyproxy)', function () {
  let pki: TestPki;
  let servers: Servers;
  const clients: CozeClient[] = [];
  const logs: RequestLogEntry[] = [];
  const errors: unknown[] = [];
  // The kit helpers only need a place to record errors.
  const kit = { errors } as unknown as Kit;

  const client = (o: Partial<CozeClientOptions>): CozeClient => {
    const c = new CozeClient({
      baseUrl: servers.http.url,
      token: TOKEN,
      botId: BOT_ID,
      userId: 'user-1',
      minIntervalMs: 0,
      maxRetries: 1,
      retryBaseMs: 1,
      pollIntervalMs: 15,
      requestTimeoutMs: 3000,
      onRequestLog: (e) => logs.push(e),
      ...o,
    });
    clients.push(c);
    return c;
  };
  const answerOk = async (c: CozeClient, mode: 'poll' | 'stream' = 'stream') => {
    const q = `question over ${mode}`;
    const a = await c.ask(q, { mode });
    assert.match(a.text, new RegExp(`> ${q}`), 'the demo answer quotes the question');
  };

  before(async function () {
    if (!opensslAvailable()) {
      console.log('      SKIPPED: the TLS and proxy tests need openssl (apt-get install openssl; CI installs it).');
      this.skip();
    }
    this.timeout(30_000);
    pki = testPki();
    const start = (pair?: { key: string; cert: string }) =>
      FakeCozeServer.start({ behavior: FAST_BEHAVIOR, ...(pair ? { tls: { key: pair.key, cert: pair.cert } } : {}) });
    servers = {
      http: await start(),
      https: await start(pki.server),
      wrongHost: await start(pki.wrongHost),
      expired: await start(pki.expired),
      selfSigned: await start(pki.selfSigned),
    };
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    assertNoTokenLeak(logs, errors);
    for (const e of [...logs, ...errors]) {
      const text = JSON.stringify(e) + String((e as Error).stack ?? '');
      assert.ok(!text.includes(PROXY_PASSWORD), `proxy password in ${text}`);
    }
    logs.length = 0;
    errors.length = 0;
  });

  after(async () => {
    if (servers) for (const s of Object.values(servers)) await s.close();
  });

  describe('TLS', () => {
    it('trusts the test CA given as tls.ca (stream and poll), on top of the bundled roots', async () => {
      const c = client({ baseUrl: servers.https.url, tls: { ca: pki.ca.cert } });
      await answerOk(c, 'stream');
      await answerOk(c, 'poll');
      assert.ok(servers.https.requests.length >= 3);
      const cas = trustedCas({ ca: pki.ca.cert }, {})!;
      assert.equal(cas.length, rootCertificates.length + 1, 'the public roots stay trusted');
      assert.equal(cas.at(-1), pki.ca.cert);
      assert.equal(trustedCas({ rejectUnauthorized: true }, {}), undefined, 'no extra CA: Node’s own store as it is');
    });

    it('trusts the test CA given by NODE_EXTRA_CA_CERTS (child process), and not without it', async function () {
      this.timeout(20_000);
      const script = `
        const { CozeClient } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'coze'))});
        const c = new CozeClient({ baseUrl: ${JSON.stringify(servers.https.url)}, token: ${JSON.stringify(TOKEN)},
          botId: ${JSON.stringify(BOT_ID)}, userId: 'child', minIntervalMs: 0, maxRetries: 0 });
        c.ask('from the child').then(
          (a) => console.log(JSON.stringify({ ok: true, text: a.text })),
          (e) => console.log(JSON.stringify({ ok: false, kind: e.kind, reason: e.reason, message: e.message })),
        ).finally(() => c.close());`;
      const run = (extra: Record<string, string>) =>
        new Promise<{ ok: boolean; text?: string; kind?: string; reason?: string; message?: string }>((resolve, reject) => {
          const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
          if (!extra.NODE_EXTRA_CA_CERTS) delete env.NODE_EXTRA_CA_CERTS;
          execFile(process.execPath, ['-e', script], { env, timeout: 15_000 }, (err, stdout) => {
            if (err) return reject(err);
            resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
          });
        });
      const trusted = await run({ NODE_EXTRA_CA_CERTS: pki.ca.certFile });
      assert.equal(trusted.ok, true, JSON.stringify(trusted));
      assert.match(trusted.text!, /> from the child/);
      const untrusted = await run({});
      assert.deepEqual([untrusted.ok, untrusted.kind, untrusted.reason], [false, 'network', 'tls-unknown-issuer']);
    });

    it('an explicit tls.ca keeps NODE_EXTRA_CA_CERTS trusted too', () => {
      const cas = trustedCas({ ca: pki.selfSigned.cert }, { NODE_EXTRA_CA_CERTS: pki.ca.certFile })!;
      assert.ok(cas.includes(pki.ca.cert) && cas.includes(pki.selfSigned.cert));
    });

    const untrusted: Array<[string, keyof Servers, boolean, string, RegExp]> = [
      ['a CA the client does not know', 'https', false, 'tls-unknown-issuer', /issued by a certificate authority that is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/],
      ['a self-signed certificate', 'selfSigned', true, 'tls-self-signed', /it is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/],
      ['a certificate for another host name', 'wrongHost', true, 'tls-hostname-mismatch', /issued for another host name/],
      ['an expired certificate', 'expired', true, 'tls-expired', /has expired/],
    ];
    for (const [what, server, withCa, reason, re] of untrusted) {
      it(`refuses ${what}: network error "${reason}" that says the certificate is not trusted, not retried`, async () => {
        const c = client({ baseUrl: servers[server].url, maxRetries: 3, ...(withCa ? { tls: { ca: pki.ca.cert } } : {}) });
        const before = servers[server].requests.length;
        const err = await expectCozeError(kit, c.ask('Q'));
        assert.equal(err.kind, 'network');
        assert.equal(err.reason, reason);
        assert.equal(err.retryable, false);
        assert.match(err.message, /^The TLS certificate of 127\.0\.0\.1:\d+ is not trusted: /);
        assert.match(err.message, re);
        assert.equal(servers[server].requests.length, before, 'nothing reached the server: no silent downgrade');
        assert.equal(logs.length, 1, 'a certificate problem is not retried');
      });
    }

    it('rejectUnauthorized: false (http.proxyStrictSSL off) accepts a self-signed certificate, only when asked', async () => {
      await answerOk(client({ baseUrl: servers.selfSigned.url, tls: { rejectUnauthorized: false } }));
    });
  });

  describe('proxies', function () {
    let proxy: Tinyproxy;
    let authProxy: Tinyproxy;

    before(async function () {
      if (!tinyproxyAvailable()) {
        console.log('      SKIPPED: the proxy tests need /usr/bin/tinyproxy (apt-get install tinyproxy; CI installs it).');
        this.skip();
      }
      const ports = [servers.http.url, servers.https.url, servers.selfSigned.url].map(portOf);
      proxy = await startTinyproxy({ connectPorts: ports });
      authProxy = await startTinyproxy({ connectPorts: ports, basicAuth: { user: PROXY_USER, password: PROXY_PASSWORD } });
    });

    after(async () => {
      await proxy?.stop();
      await authProxy?.stop();
    });

    const withCredentials = (url: string, password = PROXY_PASSWORD) => url.replace('//', `//${PROXY_USER}:${password}@`);

    it('asks the HTTP fake through the proxy (CONNECT tunnel: the proxy never sees the token)', async () => {
      const c = client({ proxy: { url: proxy.url } });
      assert.equal(c.proxy, proxy.url);
      const tunnels = proxy.connects().length;
      await answerOk(c, 'stream');
      await answerOk(c, 'poll');
      assert.ok(proxy.connects().slice(tunnels).includes(`127.0.0.1:${portOf(servers.http.url)}`));
      assert.ok(!proxy.log().includes(TOKEN));
      assert.ok(logs.length >= 3 && logs.every((l) => l.proxy === proxy.url), 'every log entry names the proxy');
    });

    it('asks the HTTPS fake through the proxy (CONNECT + TLS with the test CA)', async () => {
      await answerOk(client({ baseUrl: servers.https.url, proxy: { url: proxy.url }, tls: { ca: pki.ca.cert } }));
      assert.ok(proxy.connects().includes(`127.0.0.1:${portOf(servers.https.url)}`));
    });

    it('an untrusted certificate through the proxy is still refused, naming the proxy', async () => {
      const err = await expectCozeError(kit, client({ baseUrl: servers.selfSigned.url, proxy: { url: proxy.url } }).ask('Q'));
      assert.equal(err.reason, 'tls-self-signed');
      assert.match(err.message, /reached through the proxy http:\/\/127\.0\.0\.1:\d+\) is not trusted/);
    });

    it('proxy authentication: the right credentials work; they never appear in logs or errors', async () => {
      const c = client({ proxy: { url: withCredentials(authProxy.url) } });
      assert.equal(c.proxy, authProxy.url, 'shown without credentials');
      await answerOk(c);
      await answerOk(client({ baseUrl: servers.https.url, proxy: { url: withCredentials(authProxy.url) }, tls: { ca: pki.ca.cert } }));
    });

    it('no credentials → "proxy-auth" (HTTP 407) that says the proxy wants a user name and password', async () => {
      const err = await expectCozeError(kit, client({ proxy: { url: authProxy.url }, maxRetries: 3 }).ask('Q'));
      assert.equal(err.kind, 'network');
      assert.equal(err.reason, 'proxy-auth');
      assert.equal(err.retryable, false);
      assert.match(err.message, /^The proxy http:\/\/127\.0\.0\.1:\d+ requires a user name and password: .*\(HTTP 407 Proxy Authentication Required\)\.$/);
      assert.equal(logs.length, 1, 'not retried');
    });

    it('wrong credentials → "proxy-auth" that says they were rejected (tinyproxy answers 401, others 407), password nowhere', async () => {
      const wrong = 'wr0ng-passw0rd';
      const err = await expectCozeError(kit, client({ proxy: { url: withCredentials(authProxy.url, wrong) } }).ask('Q'));
      assert.equal(err.reason, 'proxy-auth');
      assert.match(err.message, /rejected the user name and password of the proxy setting \(HTTP 40[17]/);
      for (const text of [err.message, err.stack ?? '', JSON.stringify(err), JSON.stringify(logs)]) {
        assert.ok(!text.includes(wrong) && !text.includes(PROXY_USER + ':'), text);
      }
    });

    it('a proxy that refuses the connection (closed port) → "proxy-refused" naming the proxy, never its credentials', async () => {
      const port = await freePort();
      const err = await expectCozeError(kit, client({ proxy: { url: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${port}` } }).ask('Q'));
      assert.equal(err.kind, 'network');
      assert.equal(err.reason, 'proxy-refused');
      assert.match(err.message, new RegExp(`^The proxy http://127\\.0\\.0\\.1:${port} refused the connection: check the proxy setting`));
    });

    it('a proxy that does not allow the port (403) → "proxy-error"', async () => {
      const err = await expectCozeError(kit, client({ baseUrl: servers.wrongHost.url, proxy: { url: proxy.url } }).ask('Q'));
      assert.equal(err.reason, 'proxy-error');
      assert.match(err.message, /could not open a connection to 127\.0\.0\.1:\d+ \(HTTP 403 Forbidden\)\. It does not allow/);
    });

    it('NO_PROXY: a matching host bypasses the proxy (here a dead one); a non-matching one does not', async () => {
      const dead = `http://127.0.0.1:${await freePort()}`;
      for (const noProxy of ['127.0.0.1', 'localhost, 127.0.0.1', `127.0.0.1:${portOf(servers.http.url)}`, '*', ['example.com', '127.0.0.1']]) {
        const c = client({ proxy: { url: dead, noProxy } });
        assert.equal(c.proxy, undefined, `bypassed with ${JSON.stringify(noProxy)}`);
        await answerOk(c);
      }
      const tunnels = proxy.connects().length;
      const c = client({ proxy: { url: proxy.url, noProxy: 'localhost,127.0.0.2,127.0.0.1:1' } });
      await answerOk(c);
      assert.equal(proxy.connects().length, tunnels + 1, 'went through the proxy');
    });

    it('fromEnvironment: HTTPS_PROXY / HTTP_PROXY (either case) and NO_PROXY, read when the client is built', async () => {
      const saved = { ...process.env };
      try {
        for (const k of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) delete process.env[k];
        process.env.HTTPS_PROXY = withCredentials(authProxy.url);
        const tunnels = authProxy.connects().length;
        const viaEnv = client({ baseUrl: servers.https.url, proxy: { fromEnvironment: true }, tls: { ca: pki.ca.cert } });
        assert.equal(viaEnv.proxy, authProxy.url);
        await answerOk(viaEnv);
        assert.equal(authProxy.connects().length, tunnels + 1);

        process.env.http_proxy = proxy.url; // lower case, for the http fake
        process.env.NO_PROXY = 'example.com';
        const viaHttpProxy = client({ proxy: { fromEnvironment: true } });
        assert.equal(viaHttpProxy.proxy, proxy.url);
        await answerOk(viaHttpProxy);

        process.env.no_proxy = '127.0.0.1';
        const bypass = client({ proxy: { fromEnvironment: true } });
        assert.equal(bypass.proxy, undefined);
        await answerOk(bypass);
        // An explicit URL wins over the environment; an explicit noProxy over NO_PROXY.
        assert.equal(client({ proxy: { fromEnvironment: true, url: proxy.url, noProxy: '' } }).proxy, proxy.url);
      } finally {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    });
  });

  describe('proxy rules (no network)', () => {
    it('NO_PROXY matching: host, subdomains, leading dot or *., ports, IPv6, *', () => {
      const cases: Array<[string, string, boolean]> = [
        ['https://api.coze.cn', 'api.coze.cn', true],
        ['https://api.coze.cn', 'coze.cn', true],
        ['https://api.coze.cn', '.coze.cn', true],
        ['https://api.coze.cn', '*.coze.cn', true],
        ['https://api.coze.cn', 'API.COZE.CN', true],
        ['https://api.coze.cn', 'oze.cn', false],
        ['https://api.coze.cn', 'coze.com', false],
        ['https://api.coze.cn', 'api.coze.cn:443', true],
        ['https://api.coze.cn', 'api.coze.cn:8443', false],
        ['http://127.0.0.1:8080', '127.0.0.1', true],
        ['http://127.0.0.1:8080', '127.0.0.1:8080', true],
        ['http://127.0.0.1:8080', '127.0.0.1:9090', false],
        ['http://127.0.0.1:8080', 'localhost', false],
        ['http://[::1]:8080', '::1', true],
        ['http://[::1]:8080', '[::1]:8080', true],
        ['http://[::1]:8080', '[::1]:1', false],
        ['https://api.coze.cn', '*', true],
        ['https://api.coze.cn', ' example.org , coze.cn ', true],
        ['https://api.coze.cn', 'example.org coze.cn', true],
        ['https://api.coze.cn', '', false],
      ];
      for (const [url, noProxy, expected] of cases) assert.equal(bypassesProxy(new URL(url), noProxy), expected, `${url} with ${JSON.stringify(noProxy)}`);
    });

    it('resolves the proxy from options and environment: lower case wins, HTTPS_PROXY falls back to HTTP_PROXY, a URL without scheme is http://', () => {
      const https = new URL('https://api.coze.cn');
      const http = new URL('http://127.0.0.1:1');
      const shown = (u: URL, o: Parameters<typeof resolveProxy>[1], env: NodeJS.ProcessEnv) => resolveProxy(u, o, env)?.shown;
      assert.equal(shown(https, undefined, { HTTPS_PROXY: 'http://p:1' }), undefined, 'no proxy option: direct');
      assert.equal(shown(https, { fromEnvironment: false }, { HTTPS_PROXY: 'http://p:1' }), undefined);
      assert.equal(shown(https, { fromEnvironment: true }, { HTTPS_PROXY: 'http://p:1', https_proxy: 'http://q:2' }), 'http://q:2');
      assert.equal(shown(https, { fromEnvironment: true }, { HTTP_PROXY: 'http://p:1' }), 'http://p:1');
      assert.equal(shown(http, { fromEnvironment: true }, { HTTPS_PROXY: 'http://p:1' }), undefined);
      assert.equal(shown(https, { fromEnvironment: true }, { HTTPS_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128');
      assert.equal(shown(https, { fromEnvironment: true }, { HTTPS_PROXY: '  ' }), undefined);
      assert.equal(shown(https, { fromEnvironment: true }, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.coze.cn' }), undefined);
      assert.equal(shown(https, { fromEnvironment: true, noProxy: '' }, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.coze.cn' }), 'http://p:1');
      assert.equal(shown(https, { url: 'http://u:pw@x:9' }, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'coze.cn' }), 'http://x:9', 'NO_PROXY only with fromEnvironment');
      const route = resolveProxy(https, { url: 'http://u%40corp:p%3Ass@x:9' }, {})!;
      assert.deepEqual([route.hasCredentials, route.password], [true, 'p:ss']);
    });
  });
});
