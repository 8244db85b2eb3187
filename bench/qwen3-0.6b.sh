#!/usr/bin/env bash
# The core issue's benchmark: a Qwen3-0.6B-shaped model with dummy weights, 2 threads: prefill of 512 tokens, decode
# at context ~0 (1-token prompt) and at 4,096. Compare with ../shared/reference/PEERS.md (llama.cpp, same machine).
# Usage: bench/qwen3-0.6b.sh [WEIGHT_TYPE ...]   (default: F16 Q8_0)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFIG="$ROOT/../shared/configs/Qwen3-0.6B/config.json"
types=("$@")
[ ${#types[@]} -gt 0 ] || types=(F16 Q8_0)
run() { "$ROOT/bin/ariadne" bench latency --model "$CONFIG" --load-format dummy --threads 2 --json "$@" 2>/dev/null; }
printf '| weights | prefill pp512 (t/s) | decode at 0 (t/s) | decode at 4096 (t/s) |\n|---|---|---|---|\n'
for t in "${types[@]}"; do
  pp=$(run --weight-type "$t" --input-len 512 --output-len 2 --num-iters 2 | sed -n 's/.*"prefill_tokens_per_s":\([0-9.]*\).*/\1/p')
  tg0=$(run --weight-type "$t" --input-len 1 --output-len 128 | sed -n 's/.*"decode_tokens_per_s":\([0-9.]*\).*/\1/p')
  tg4k=$(run --weight-type "$t" --input-len 4096 --output-len 32 --num-iters-warmup 0 | sed -n 's/.*"decode_tokens_per_s":\([0-9.]*\).*/\1/p')
  printf '| %s | %.1f | %.1f | %.1f |\n' "$t" "$pp" "$tg0" "$tg4k"
done
