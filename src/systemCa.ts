// VS Code's http.systemCertificates: VS Code trusts the operating system's certificate store, Node (and so
// undici) only its own bundle and NODE_EXTRA_CA_CERTS. Behind a company's HTTPS inspection the company CA is in
// the OS store only, so VS Code works and Ask Coze would not. Pure Node (no vscode) so it is tested in plain Node.

import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';

/** Reads the OS store, as PEM certificates. */
export type SystemCaReader = () => Promise<readonly string[]>;

/**
 * system-ca: on Linux the PEM files at OpenSSL's usual places (SSL_CERT_FILE / SSL_CERT_DIR instead, when set);
 * on Windows and macOS native addons, which the .vsix does not carry (it ships bundles only), so there Node's
 * own reader (tls.getCACertificates, Node 22.15+, i.e. newer VS Code builds) is used when it exists. Imported on
 * first use: reading the store is the first question's cost, never activation's.
 */
export const readOsStore: SystemCaReader = async () => {
  const nodeReader = (tls as { getCACertificates?: (type: 'system') => string[] }).getCACertificates;
  if (process.platform !== 'linux' && typeof nodeReader === 'function') return nodeReader('system');
  return (await import('system-ca')).systemCertsAsync();
};

let bundled: Set<string> | undefined;

/**
 * The OS store's certificates that Node's bundle lacks, as PEM. Never throws: a store that cannot be read, or a
 * certificate in it that does not parse (it would make the TLS set-up fail for every request), costs a warning,
 * and Node's bundle stays trusted as before.
 */
export async function loadSystemCas(warn: (message: string) => void, read: SystemCaReader = readOsStore): Promise<string[]> {
  let pems: readonly string[];
  try {
    pems = await read();
  } catch (err) {
    warn(`The operating system's certificate store could not be read (${err instanceof Error ? err.message : String(err)}); only Node's certificates are trusted.`);
    return [];
  }
  bundled ??= new Set(tls.rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
  const extra: string[] = [];
  const seen = new Set<string>();
  let unreadable = 0;
  for (const pem of pems) {
    let fingerprint: string;
    try {
      fingerprint = new X509Certificate(pem).fingerprint256;
    } catch {
      unreadable++;
      continue;
    }
    if (bundled.has(fingerprint) || seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    extra.push(pem);
  }
  if (unreadable > 0) warn(`${unreadable} certificate(s) in the operating system's certificate store could not be parsed and are not trusted.`);
  return extra;
}
