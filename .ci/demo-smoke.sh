#!/usr/bin/env bash
# Starts `npm run demo`, waits (30 s at most) until the API lists a story reported by
# two or more outlets, then stops the demo by its process group.
set -uo pipefail
port=${PORT:-8787}
log=$(mktemp)
setsid npm run demo >"$log" 2>&1 &
pid=$!
cleanup() { kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
trap cleanup EXIT

for _ in $(seq 1 30); do
  if body=$(curl -fsS "http://127.0.0.1:$port/v1/stories?limit=100" 2>/dev/null); then
    if summary=$(printf '%s' "$body" | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const stories = JSON.parse(s).data;
        const best = Math.max(0, ...stories.map((x) => new Set(x.sources.map((y) => y.outlet)).size));
        console.log(`${stories.length} stories; the widest is reported by ${best} outlets`);
        process.exit(best >= 2 ? 0 : 1);
      });'); then
      echo "demo OK: $summary"
      exit 0
    fi
  fi
  sleep 1
done
echo "demo FAILED: no story with two or more outlets within 30 s"
tail -n 40 "$log"
exit 1
