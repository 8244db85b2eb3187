#!/usr/bin/env bash
# Qwen3 tokenizer throughput on English (the kit's story), Chinese (a seed post) and code (this repository's Java
# sources), single thread and with a pool of 2.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CODE="$(mktemp)"
trap 'rm -f "$CODE"' EXIT
find "$ROOT/ariadne-core/src/main/java" -name '*.java' | sort | head -60 | xargs cat > "$CODE"
"$ROOT/bin/ariadne" bench tokenizer --model "$ROOT/../shared/tokenizers/qwen3/tokenizer.json" \
  --file "$ROOT/../shared/reference/perplexity/story.txt" --file "$ROOT/../shared/seeds/002_2b6bde22915fab0d.txt" \
  --file "$CODE" --size-mb "${1:-4}" --pool-size 2 2>/dev/null
