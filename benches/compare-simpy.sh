#!/usr/bin/env bash
# Times ecsim against its two peers on the same model, whole processes, best of 3 runs of 30
# simulated days each (`/usr/bin/time -f %e`):
#   - SimPy: simpy_ecs.py of the shared bench folder, in a fresh venv with `pip install simpy`;
#   - rustprobe: the same model as a minimal hand-written Rust loop (`ecs`), built from there;
#   - ecsim: benches/scenarios/simpy-equivalent.yaml (the same model; its header says how it
#     maps), `ecsim run --no-charts`, so it writes its CSV files and summary.json but no charts.
# Prints a markdown table: each tool's best wall time and ecsim's time divided by it.
#
# Usage: benches/compare-simpy.sh PEER_BENCH_DIR
#   PEER_BENCH_DIR holds simpy_ecs.py and rustprobe/ (the peers' folder the project was given; it
#   is not part of this repository, so its path is always given explicitly).
#
# Needs network access to PyPI and crates.io, so `cargo test` never runs it. The venv, the
# rustprobe build and every output go to temporary directories that are removed at the end;
# ecsim is built with `cargo build --release` in the repository's usual (git-ignored) target
# directory.
set -euo pipefail

DAYS=30
RUNS=3

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -eq 1 ]] || {
    echo "usage: benches/compare-simpy.sh PEER_BENCH_DIR (the folder with simpy_ecs.py and rustprobe/)" >&2
    exit 2
}
bench="$1"
bench="$(cd "$bench" && pwd)"
[[ -f "$bench/simpy_ecs.py" && -f "$bench/rustprobe/Cargo.toml" ]] || {
    echo "error: $bench has no simpy_ecs.py and rustprobe/" >&2
    exit 2
}

work="$(mktemp -d)"
probe_target="$(mktemp -d)"
trap 'rm -rf "$work" "$probe_target"' EXIT

echo "building rustprobe (in $probe_target) ..." >&2
(cd "$bench/rustprobe" && CARGO_TARGET_DIR="$probe_target" cargo build --release --locked --quiet --bin ecs)
probe="$probe_target/release/ecs"

echo "installing SimPy in a venv (in $work) ..." >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check simpy
python="$work/venv/bin/python"

echo "building ecsim (release) ..." >&2
(cd "$root" && cargo build --release --quiet --bin ecsim)
ecsim="${CARGO_TARGET_DIR:-$root/target}/release/ecsim"
scenario="$root/benches/scenarios/simpy-equivalent.yaml"

# best NAME COMMAND...: runs COMMAND $RUNS times, its output in $work/NAME, and prints the
# smallest wall time in seconds.
best() {
    local name="$1"
    shift
    local best="" t
    for ((i = 1; i <= RUNS; i++)); do
        rm -rf "${work:?}/$name"
        mkdir -p "$work/$name"
        if ! /usr/bin/time -f %e -o "$work/$name.time" "$@" >"$work/$name.log" 2>&1; then
            echo "error: $name failed:" >&2
            cat "$work/$name.log" >&2
            exit 1
        fi
        t="$(tail -n 1 "$work/$name.time")"
        echo "  $name run $i: $t s" >&2
        best="$(awk -v a="$t" -v b="$best" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }')"
    done
    echo "$best"
}

echo "running each $RUNS times for $DAYS simulated days ..." >&2
t_simpy="$(best simpy "$python" "$bench/simpy_ecs.py" --days "$DAYS" --out "$work/simpy/trace.csv")"
t_probe="$(best rustprobe "$probe" --days "$DAYS" --out "$work/rustprobe/trace.csv")"
t_ecsim="$(best ecsim "$ecsim" run "$scenario" --out "$work/ecsim/run" --no-charts --set "duration=${DAYS}d")"

ratio() { awk -v e="$t_ecsim" -v t="$1" 'BEGIN { if (t > 0) printf "%.2f", e / t; else printf "n/a" }'; }
size() { du -sk "$work/$1" | awk '{ printf "%.1f MB", $1 / 1024 }'; }

echo
echo "| tool | best wall (s), $DAYS days, best of $RUNS | ecsim / tool |"
echo "|---|---|---|"
echo "| SimPy (\`simpy_ecs.py\`) | $t_simpy | $(ratio "$t_simpy") |"
echo "| rustprobe (\`ecs\`, minimal Rust loop) | $t_probe | $(ratio "$t_probe") |"
echo "| ecsim (\`simpy-equivalent.yaml\`, \`--no-charts\`) | $t_ecsim | 1.00 |"
echo
echo "Output written per run: SimPy $(size simpy), rustprobe $(size rustprobe), ecsim $(size ecsim) (six files)."
