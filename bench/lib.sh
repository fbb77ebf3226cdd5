# Sourced by the benchmark scripts that run a daemon of their own.
# Sets `work` (a temporary directory, removed on exit) and `pid` (set it to the daemon's
# process id: the daemon is stopped on exit), and defines `bench_config FILE`, which writes
# the shipped configuration with the public listener's rate limit lifted (the load comes
# from one address) and the intents watcher off.
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

bench_config() {
    sed -e 's/requests_per_second: 5 .*/requests_per_second: 100000/' -e 's/burst: 30/burst: 100000/' \
        -e 's/watch_files: true/watch_files: false/' Config/kreishaus.yaml >"$1"
}
