// http.systemCertificates: the operating system's certificate store is trusted in addition to Node's bundle.
// On Linux system-ca reads OpenSSL's usual files and directories, or SSL_CERT_FILE / SSL_CERT_DIR instead when
// set (node_modules/system-ca/lib/impl.js), so a child process with SSL_CERT_FILE naming a bundle that holds a
// test CA made by openssl has that CA "in its system store". The child goes through the real path: ClientProvider
// → loadSystemCas → system-ca → the client's undici TLS set-up, against the fake Coze server on 127.0.0.1.

import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { systemCertsAsync } from 'system-ca';
import { loadSystemCas } from '../../src/systemCa';
import { FakeCozeServer } from '../fake-coze/server';
import { BOT_ID, FAST_BEHAVIOR, TOKEN } from './cozeTestKit';
import { opensslAvailable, testPki, type TestPki } from './fixtures/testPki';

const DEBIAN_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const OUT_SRC = path.join(__dirname, '..', '..', 'src');

interface ChildResult {
  ok: boolean;
  text?: string;
  kind?: string;
  reason?: string;
  message?: string;
  warnings: string[];
}

describe('System certificate store (http.systemCertificates, system-ca)', function () {
  let pki: TestPki;
  let server: FakeCozeServer;
  let dir: string;
  let withCa: string;
  let withoutCa: string;
  let emptyDir: string;

  before(async function () {
    if (!opensslAvailable()) {
      console.log('      SKIPPED: the system store tests need openssl (apt-get install openssl; CI installs it).');
      this.skip();
    }
    this.timeout(30_000);
    pki = testPki();
    server = await FakeCozeServer.start({ behavior: FAST_BEHAVIOR, tls: { key: pki.server.key, cert: pki.server.cert } });
    dir = mkdtempSync(path.join(tmpdir(), 'ask-coze-system-ca-'));
    emptyDir = path.join(dir, 'empty');
    mkdirSync(emptyDir);
    // A machine's bundle with a company CA added, as update-ca-certificates would leave it.
    const machine = existsSync(DEBIAN_BUNDLE) ? readFileSync(DEBIAN_BUNDLE, 'utf8') : rootCertificates.join('\n');
    withCa = path.join(dir, 'with-ca.pem');
    withoutCa = path.join(dir, 'without-ca.pem');
    writeFileSync(withCa, `${machine}\n${pki.ca.cert}`);
    writeFileSync(withoutCa, machine);
  });

  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('loadSystemCas', () => {
    it("keeps only what Node's bundle lacks, once each", async () => {
      const warnings: string[] = [];
      const cas = await loadSystemCas((m) => warnings.push(m), async () => [rootCertificates[0]!, pki.ca.cert.trim(), pki.ca.cert.trim(), rootCertificates[1]!]);
      assert.deepEqual(cas, [pki.ca.cert.trim()]);
      assert.deepEqual(warnings, []);
    });

    it('drops a certificate that does not parse, with a warning, instead of failing every request', async () => {
      const warnings: string[] = [];
      const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----';
      const cas = await loadSystemCas((m) => warnings.push(m), async () => [broken, pki.ca.cert]);
      assert.deepEqual(cas, [pki.ca.cert]);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /1 certificate\(s\) .* could not be parsed/);
    });

    it("falls back to Node's bundle, with a warning, when the store cannot be read", async () => {
      const warnings: string[] = [];
      const cas = await loadSystemCas((m) => warnings.push(m), async () => {
        throw new Error('EACCES: permission denied');
      });
      assert.deepEqual(cas, []);
      assert.match(warnings.join('\n'), /could not be read \(EACCES: permission denied\); only Node's certificates are trusted/);
    });
  });

  describe('system-ca on this machine', () => {
    it("returns the certificates of the distribution's bundle", async function () {
      if (!existsSync(DEBIAN_BUNDLE)) {
        console.log(`      SKIPPED: ${DEBIAN_BUNDLE} is missing (apt-get install ca-certificates).`);
        this.skip();
      }
      const env = { ...process.env };
      delete env.SSL_CERT_FILE;
      delete env.SSL_CERT_DIR;
      const store = new Set(await systemCertsAsync({ env }));
      const bundle = readFileSync(DEBIAN_BUNDLE, 'utf8').match(PEM) ?? [];
      assert.ok(bundle.length > 50, `only ${bundle.length} certificates in ${DEBIAN_BUNDLE}`);
      assert.deepEqual(bundle.filter((pem) => !store.has(pem.trim())), []);
    });

    it('reads SSL_CERT_FILE / SSL_CERT_DIR instead of the usual places when they are set', async () => {
      const store = await systemCertsAsync({ env: { SSL_CERT_FILE: withCa, SSL_CERT_DIR: emptyDir } });
      assert.ok(store.includes(pki.ca.cert.trim()));
      const other = await systemCertsAsync({ env: { SSL_CERT_FILE: withoutCa, SSL_CERT_DIR: emptyDir } });
      assert.ok(!other.includes(pki.ca.cert.trim()));
    });
  });

  describe('asking through ClientProvider (child process, the real store reader)', () => {
    const run = (extra: Record<string, string>, systemCertificates: boolean) =>
      new Promise<ChildResult>((resolve, reject) => {
        const settings = {
          region: 'custom',
          baseUrl: server.url,
          botId: BOT_ID,
          responseMode: 'stream',
          pollIntervalMs: 15,
          minRequestIntervalMs: 0,
          maxRetries: 0,
          requestTimeoutMs: 3000,
          maxWaitMs: 10_000,
          systemCertificates,
          adjustments: [],
        };
        // cozeLoader requires the separately bundled ./coze.js; compiled by tsc, the client is ./coze/index.js.
        const script = `
          const Module = require('node:module');
          const path = require('node:path');
          const out = ${JSON.stringify(OUT_SRC)};
          const resolve = Module._resolveFilename;
          Module._resolveFilename = function (request, parent, ...rest) {
            if (request === './coze.js' && parent && parent.filename === path.join(out, 'cozeLoader.js')) return path.join(out, 'coze', 'index.js');
            return resolve.call(this, request, parent, ...rest);
          };
          const { ClientProvider } = require(path.join(out, 'clientProvider.js'));
          const warnings = [];
          const provider = new ClientProvider({ warn: (m) => warnings.push(m), info() {}, error() {}, request() {} });
          provider.use(${JSON.stringify(settings)}, ${JSON.stringify(TOKEN)}, 'child', (c) => c.ask('from the child')).then(
            (a) => console.log(JSON.stringify({ ok: true, text: a.text, warnings })),
            (e) => console.log(JSON.stringify({ ok: false, kind: e.kind, reason: e.reason, message: e.message, warnings })),
          ).finally(() => provider.dispose());`;
        const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
        delete env.NODE_EXTRA_CA_CERTS;
        execFile(process.execPath, ['-e', script], { env, timeout: 15_000 }, (err, stdout, stderr) => {
          if (err) return reject(new Error(`${err.message}\n${stderr}`));
          resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult);
        });
      });

    it('trusts a server signed by a CA in the system store when http.systemCertificates is on', async function () {
      this.timeout(20_000);
      const trusted = await run({ SSL_CERT_FILE: withCa, SSL_CERT_DIR: emptyDir }, true);
      assert.equal(trusted.ok, true, JSON.stringify(trusted));
      assert.match(trusted.text!, /> from the child/);
      assert.deepEqual(trusted.warnings, []);
    });

    it('refuses it, with the unknown-issuer reason, when the setting is off', async function () {
      this.timeout(20_000);
      const off = await run({ SSL_CERT_FILE: withCa, SSL_CERT_DIR: emptyDir }, false);
      assert.deepEqual([off.ok, off.kind, off.reason], [false, 'network', 'tls-unknown-issuer'], JSON.stringify(off));
    });

    it('refuses it when the CA is not in the store, setting on', async function () {
      this.timeout(20_000);
      const absent = await run({ SSL_CERT_FILE: withoutCa, SSL_CERT_DIR: emptyDir }, true);
      assert.deepEqual([absent.ok, absent.kind, absent.reason], [false, 'network', 'tls-unknown-issuer'], JSON.stringify(absent));
    });

    it("still asks (Node's bundle only) when the store cannot be read, and says so in the log", async function () {
      this.timeout(20_000);
      const missing = path.join(dir, 'missing');
      const broken = await run({ SSL_CERT_FILE: `${missing}.pem`, SSL_CERT_DIR: missing }, true);
      // The request is made and fails on the certificate, as it would without the setting: not on the store.
      assert.deepEqual([broken.ok, broken.kind, broken.reason], [false, 'network', 'tls-unknown-issuer'], JSON.stringify(broken));
      assert.equal(broken.warnings.length, 1, JSON.stringify(broken.warnings));
      assert.match(broken.warnings[0]!, /certificate store could not be read \(ENOENT/);
    });
  });
});
