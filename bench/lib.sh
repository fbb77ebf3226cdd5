# Sourced by the benchmark scripts that run a daemon of their own.
# Sets `work` (a temporary directory, removed on exit), `pid` and `pids` (set `pid` to the
# daemon's process id, or add servers to `pids`: they are stopped on exit), and defines
# `bench_config FILE`, which writes the shipped configuration with the public listener's
# rate limit lifted (the load comes from one address) and the intents watcher off, plus
# `wrk_summary` and `median` for the load runs.
work=$(mktemp -d)
pid=
pids=()
cleanup() {
    for server in $pid "${pids[@]}"; do kill "$server" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

bench_config() {
    # Above any rate one client reaches here: at 100,000 per second /healthz (over 110,000 on a
    # quiet machine) ran out of its burst and got 429s.
    sed -e 's/requests_per_second: 5 .*/requests_per_second: 10000000/' -e 's/burst: 30/burst: 10000000/' \
        -e 's/watch_files: true/watch_files: false/' Config/kreishaus.yaml >"$1"
}

# Runs wrk with the given arguments; prints "requests_per_second p50_us p99_us non2xx".
wrk_summary() {
    wrk --latency "$@" | awk '
        function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v }
        /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = us($2) } /^ +99%/ { p99 = us($2) } /Non-2xx/ { bad = $NF }
        END { printf "%.0f %.0f %.0f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}

# Median of the values on standard input.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
