import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectL10nMessages } from '../../scripts/l10nStrings';

// Every user-facing string exists in English and Simplified Chinese: the host's vscode.l10n messages, the
// package.nls contributions, and nothing stale left in the bundles.

const root = path.resolve(__dirname, '..', '..', '..');
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8')) as Record<string, string>;
const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join(',');

describe('localization', () => {
  const messages = collectL10nMessages(path.join(root, 'src'));
  const zh = readJson('l10n/bundle.l10n.zh-cn.json');
  const en = readJson('l10n/bundle.l10n.json');

  it('finds the messages in the source', () => {
    assert.ok(messages.size > 20, `only ${messages.size} messages found`);
  });

  it('has a Chinese translation for every vscode.l10n.t message, with the same placeholders', () => {
    const missing = [...messages].filter((m) => !(m in zh));
    assert.deepEqual(missing, []);
    for (const m of messages) assert.equal(placeholders(zh[m]!), placeholders(m), `placeholders differ for ${JSON.stringify(m)}`);
  });

  it('keeps no stale entries in the bundles', () => {
    assert.deepEqual(Object.keys(zh).filter((k) => !messages.has(k)), []);
    assert.deepEqual(Object.keys(en).sort(), [...messages].sort());
  });

  it('translates every package.nls key', () => {
    const nls = readJson('package.nls.json');
    const nlsZh = readJson('package.nls.zh-cn.json');
    assert.deepEqual(Object.keys(nlsZh).sort(), Object.keys(nls).sort());
    const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    for (const key of manifest.match(/%[\w.]+%/g) ?? []) assert.ok(key.slice(1, -1) in nls, `${key} missing from package.nls.json`);
  });
});
