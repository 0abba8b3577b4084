#!/usr/bin/env bash
# scripts/fetch-npm-file.sh against a stand-in `npm` on PATH (no network):
# a package whose tarball matches its pin is unpacked into DEST; one that does
# not is refused and DEST is not written; when npm fails, its own error text
# reaches the user (a configure step that fails must say why: an unreachable
# registry, an untrusted certificate, a missing version). The stand-in keeps
# npm's log levels: --silent (--loglevel=silent) prints no error at all.
#
#   tests/fetch_npm_file_test.sh SOURCE_DIR
#
# Registered in tests/CMakeLists.txt.
set -euo pipefail

source_dir=$(realpath "${1:?usage: $0 SOURCE_DIR}")
fetch="$source_dir/scripts/fetch-npm-file.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "fetch_npm_file_test: FAIL: $*" >&2
  exit 1
}

# A package tarball as npm packs one: package/<file> inside.
mkdir -p "$work/pkg/package" "$work/bin"
echo "the chart library" >"$work/pkg/package/chart.js"
tar -czf "$work/good-1.0.0.tgz" -C "$work/pkg" package
pin=$(sha512sum "$work/good-1.0.0.tgz" | cut -d' ' -f1)

# `npm pack [flags] SPEC`: good@1.0.0 is copied into the current directory and
# named on stdout; anything else fails with npm's error on stderr, unless the
# log level is silent.
cat >"$work/bin/npm" <<EOF
#!/usr/bin/env bash
[ "\$1" = pack ] || exit 2
shift
silent=0
spec=
for arg in "\$@"; do
  case "\$arg" in
    --silent | --loglevel=silent) silent=1 ;;
    -*) ;;
    *) spec=\$arg ;;
  esac
done
if [ "\$spec" = good@1.0.0 ]; then
  cp "$work/good-1.0.0.tgz" .
  echo good-1.0.0.tgz
  exit 0
fi
[ \$silent -eq 1 ] || echo "npm error code SELF_SIGNED_CERT_IN_CHAIN" >&2
exit 1
EOF
chmod +x "$work/bin/npm"
export PATH="$work/bin:$PATH"

# The pinned package: DEST holds the file.
"$fetch" good 1.0.0 "$pin" chart.js "$work/out/chart.js" 2>"$work/good.err" || fail "a matching pin was refused: $(cat "$work/good.err")"
cmp -s "$work/out/chart.js" "$work/pkg/package/chart.js" || fail "DEST does not hold the package's file"

# A tarball that is not the pinned one: refused, nothing written.
wrong=$(printf '0%.0s' {1..128})
if "$fetch" good 1.0.0 "$wrong" chart.js "$work/wrong/chart.js" 2>"$work/wrong.err"; then
  fail "a tarball that does not match its pin was accepted"
fi
grep -q "refusing it" "$work/wrong.err" || fail "the refusal does not say why: $(cat "$work/wrong.err")"
[ ! -e "$work/wrong" ] || fail "a refused package left $(ls -R "$work/wrong")"

# npm fails: its own error reaches the user, nothing written.
if "$fetch" gone 2.0.0 "$pin" chart.js "$work/gone/chart.js" 2>"$work/gone.err"; then
  fail "a failed npm pack was taken as a success"
fi
grep -q "SELF_SIGNED_CERT_IN_CHAIN" "$work/gone.err" || fail "npm's error is not shown: $(cat "$work/gone.err")"
[ ! -e "$work/gone" ] || fail "a failed fetch left $(ls -R "$work/gone")"

echo "fetch_npm_file_test: 3 cases passed"
