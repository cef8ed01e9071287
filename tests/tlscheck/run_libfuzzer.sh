#!/bin/bash
# run_libfuzzer.sh SRC_DIR WORK_DIR - build the reply-parser fuzz target with
# clang's libFuzzer (+ASan/UBSan) and fuzz it for 15 seconds from a seed
# corpus. Skips (77) without clang++ unless CI=true, where it fails.
set -euo pipefail
src=$1 work=$2
if ! command -v clang++ >/dev/null; then
  if [ "${CI:-}" = true ]; then echo "FAIL: clang++ not installed (required in CI)" >&2; exit 1; fi
  echo "SKIP: clang++ not installed" >&2; exit 77
fi
mkdir -p "$work/corpus"
printf '220 mx.example.org ESMTP\r\n' > "$work/corpus/banner"
printf '250-mx\r\n250-STARTTLS\r\n250 8BITMIME\r\n' > "$work/corpus/ehlo"
printf '421 4.3.2 busy\r\n' > "$work/corpus/busy"
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I "$src" "$src/tlscheck/fuzz/reply_parser_fuzz.cpp" "$src/tlscheck/smtp_reply.cpp" \
  -o "$work/reply_parser_fuzzer"
"$work/reply_parser_fuzzer" -max_total_time=15 -seed=1 -max_len=4096 \
  -artifact_prefix="$work/" "$work/corpus" 2>&1 | tail -n 3
echo "1 passed, 0 failed"
