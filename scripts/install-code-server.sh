#!/usr/bin/env bash
# Installs code-server (VS Code in a browser, with a Node extension host) into a cache folder outside the
# checkout, the way @vscode/test-electron keeps VS Code in .vscode-test/: it is 300 MB of native builds that
# the extension does not depend on. Idempotent: a finished install is reused. Prints the binary's path as the
# last line of stdout; everything else goes to stderr.
# Pitfalls, from ../shared/e2e-notes.md: code-server's postinstall refuses root without unsafe_perm; node-pty
# runs `npx node-gyp`, which needs yes=true; @vscode/ripgrep downloads from GitHub unless its cache already
# holds an archive, so we hand it Debian's rg. Never --ignore-scripts: code-server is broken without them.
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${ASK_COZE_CACHE:-$HOME/.cache/ask-coze}"
DIR="$CACHE/code-server-$VERSION"
BIN="$DIR/node_modules/.bin/code-server"
VSCODE="$DIR/node_modules/code-server/lib/vscode"

installed() { [ -x "$BIN" ] && [ -f "$DIR/.complete" ]; }
if installed; then echo "$BIN"; exit 0; fi

# Two test runners starting at once must not install into the same folder together: the second waits.
mkdir -p "$CACHE"
exec 9>"$CACHE/code-server-$VERSION.lock"
flock 9
if installed; then echo "$BIN"; exit 0; fi

command -v rg >/dev/null || { echo "ripgrep (rg) is required: apt-get install -y ripgrep" >&2; exit 1; }
rm -rf "$DIR"; mkdir -p "$DIR/tmp"
export TMPDIR="$DIR/tmp" XDG_CONFIG_HOME="$DIR/tmp/config" XDG_DATA_HOME="$DIR/tmp/data"
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE" "$TMPDIR/rgpkg"
cp "$(command -v rg)" "$TMPDIR/rgpkg/rg"
tar -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rgpkg" rg
cd "$DIR"
# npm 11 skips dependency install scripts unless package.json's allowScripts names them (older npm ignores the
# field and runs them anyway). Approving them afterwards with `npm install-scripts approve --all` is not
# enough: it refuses code-server ("no trusted identity for policy key") because it was installed --no-save.
cat > package.json <<EOF
{
  "name": "code-server-host",
  "private": true,
  "dependencies": { "code-server": "$VERSION" },
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false
npm install >&2

# code-server's postinstall installs VS Code's own modules and links node_modules.asar; without it the server
# starts but the workbench fails later in confusing ways, so check its products here.
for f in "$VSCODE/node_modules.asar" "$VSCODE/node_modules/node-pty/build/Release/pty.node" \
         "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"; do
  [ -e "$f" ] || { echo "code-server's postinstall did not run: $f is missing" >&2; exit 1; }
done
"$BIN" --version >&2
touch "$DIR/.complete"
echo "$BIN"
