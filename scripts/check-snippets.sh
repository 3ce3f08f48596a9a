#!/usr/bin/env bash
# Parses every framework snippet cookie-doctor prints with its language's own
# parser: node --check (Express .js, Next.js .mjs), python3 -m py_compile
# (FastAPI, Django, Flask), ruby -c (Rails), gofmt -e (Go, syntax only),
# nginx -t on a minimal config (nginx), javac's parser through the compiler
# API, parse only (Spring: its types are not on the machine), and mcs --parse
# (ASP.NET Core: Mono's C# parser, no ASP.NET assemblies needed).
#
# Installs what it lacks from Debian (run as root on a fresh machine), dumps
# the snippets with the snippets_dump test, parses each file, and prints
# `snippets: N checked, M failed, K skipped (reason)`; exits 1 on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package
declare -A package=(
  [node]=nodejs
  [python3]=python3
  [ruby]=ruby
  [gofmt]=golang-go
  [nginx]=nginx-light
  [javac]=default-jdk-headless
  [java]=default-jdk-headless
  [mcs]=mono-mcs
)

have() { command -v "$1" > /dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

missing=()
for tool in "${!package[@]}"; do
  have "$tool" || missing+=("${package[$tool]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "installing from Debian: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "not root: cannot install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Keep the nginx package from starting a server (policy-rc.d answers 101:
  # "action forbidden") if none was there before.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    added_policy=1
  fi
  apt-get update -qq
  install_rc=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null || install_rc=$?
  if [ "$added_policy" -eq 1 ]; then rm -f "$policy"; fi
  if [ "$install_rc" -ne 0 ]; then
    echo "apt-get install ${missing[*]} failed ($install_rc)" >&2
    exit 1
  fi
fi
export PATH="$PATH:/usr/sbin"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dump="$work/snippets"

echo "dumping the snippets (cargo test -p cookie-doctor-diagnose --test snippets_dump)"
SNIPPETS_DUMP_DIR="$dump" cargo test -q -p cookie-doctor-diagnose --test snippets_dump > "$work/test.log" 2>&1 || {
  cat "$work/test.log" >&2
  echo "the snippets_dump test failed" >&2
  exit 1
}

# javac's own parser, without resolving names: the Spring and servlet types
# are not on the machine, and a syntax check needs none of them.
mkdir -p "$work/java"
cat > "$work/java/ParseOnly.java" << 'EOF'
import com.sun.source.util.JavacTask;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

public class ParseOnly {
    public static void main(String[] args) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager files =
            compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
        JavacTask task = (JavacTask) compiler.getTask(null, files, diagnostics,
            List.of("-proc:none"), null, files.getJavaFileObjects(args));
        task.parse();
        int errors = 0;
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors++;
                System.err.println(d);
            }
        }
        System.exit(errors == 0 ? 0 : 1);
    }
}
EOF
javac -d "$work/java" "$work/java/ParseOnly.java"

# The interpreter itself, not a version manager's shim in front of it.
python="$(python3 -c 'import sys; print(sys.executable)')"

checked=0
failed=0
skipped=0
skip_reasons=()
failures=()

# parse NAME FILE COMMAND...: runs the parser, records the result.
parse() {
  local name="$1"
  shift
  checked=$((checked + 1))
  if ! "$@" > "$work/out.log" 2>&1; then
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL $name: $*"
    sed 's/^/    /' "$work/out.log"
    echo "    --- the file:"
    cat -n "$dump/$name" | sed 's/^/    /'
  fi
}

nginx_check() {
  local conf="$1" prefix="$work/nginx/$2"
  mkdir -p "$prefix/tmp" "$prefix/logs"
  cp "$conf" "$prefix/nginx.conf"
  nginx -q -t -e stderr -p "$prefix/" -c "$prefix/nginx.conf"
}

while IFS=$'\t' read -r framework file; do
  path="$dump/$file"
  case "$file" in
    *.mjs | *.js) parse "$file" node --check "$path" ;;
    *.py) parse "$file" "$python" -m py_compile "$path" ;;
    *.rb) parse "$file" ruby -c "$path" ;;
    *.go) parse "$file" gofmt -e -l "$path" ;;
    *.conf) parse "$file" nginx_check "$path" "${file%.conf}" ;;
    *.java) parse "$file" java -cp "$work/java" ParseOnly "$path" ;;
    *.cs) parse "$file" mcs --parse "$path" ;;
    *)
      skipped=$((skipped + 1))
      skip_reasons+=("$framework: no parser for $file")
      ;;
  esac
done < "$dump/index.tsv"

if [ "$checked" -eq 0 ]; then
  echo "no snippet was dumped" >&2
  exit 1
fi

reason="none"
if [ "$skipped" -gt 0 ]; then
  reason="$(printf '%s\n' "${skip_reasons[@]}" | sort -u | paste -sd ';' -)"
fi
echo "snippets: $checked checked, $failed failed, $skipped skipped ($reason)"
if [ "$failed" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
  exit 1
fi
