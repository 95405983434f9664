import * as fs from 'node:fs';
import * as path from 'node:path';

// Finds every vscode.l10n.t('…') message in src/ so that a test can prove each one has a Chinese
// translation, and `node out/scripts/l10nStrings.js --write` can refresh l10n/bundle.l10n.json.

export function collectL10nMessages(srcDir: string): Set<string> {
  const messages = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        // l10n.t('single' | "double" quoted literal, possibly with escaped quotes
        const re = /l10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          const raw = m[1] ?? m[2] ?? '';
          messages.add(raw.replace(/\\(['"\\])/g, '$1'));
        }
      }
    }
  };
  walk(srcDir);
  return messages;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  const messages = [...collectL10nMessages(path.join(root, 'src'))].sort();
  const zhPath = path.join(root, 'l10n', 'bundle.l10n.zh-cn.json');
  const zh = fs.existsSync(zhPath) ? (JSON.parse(fs.readFileSync(zhPath, 'utf8')) as Record<string, string>) : {};
  if (process.argv.includes('--write')) {
    const en = Object.fromEntries(messages.map((m) => [m, m]));
    fs.writeFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), `${JSON.stringify(en, null, 2)}\n`);
  }
  const missing = messages.filter((m) => !(m in zh));
  for (const m of missing) console.log(JSON.stringify(m));
  console.log(`${messages.length} messages, ${missing.length} without a zh-cn translation`);
}
