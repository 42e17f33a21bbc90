#!/usr/bin/env bash
# Measures everything issue 6 asks for and writes BENCHMARKS.md at the workspace root:
#   1. the criterion suite (benches/benches/hit.rs), about 2-3 minutes;
#   2. allocations per call of every case and row (src/bin/allocs.rs);
#   3. heap held against distinct argument values, plotted to docs/memory.png
#      (src/bin/memory.rs), about 10 seconds and 1.3 GiB at its peak;
#   4. the report (src/bin/report.rs), which reads the three and checks the targets.
# Exits with the report's status: 0 when every target is met, 1 when one is missed.
#
#   bash benches/report.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== criterion suite" >&2
cargo bench -p cached-query-benches --bench hit

echo "== allocations per call" >&2
# Exits 1 if the 10-filter select misses its allocation target; the report says so too.
cargo run --release -p cached-query-benches --bin allocs || [ $? -eq 1 ]

echo "== memory against distinct values" >&2
cargo run --release -p cached-query-benches --bin memory

echo "== BENCHMARKS.md" >&2
cargo run --release -p cached-query-benches --bin report
