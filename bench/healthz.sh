#!/usr/bin/env bash
# /healthz throughput and latency of kreishausd (release build) next to a minimal C program
# serving the same bytes with libmicrohttpd directly: the ceiling of this stack here.
# wrk runs on the same machine, so both share its cores the same way.
# The two servers take turns for BENCH_ROUNDS rounds and the medians are reported: this
# machine's throughput swings by a third from run to run.
# Environment: BENCH_DURATION (default 5s per run), BENCH_ROUNDS (default 5),
# BENCH_CONNECTIONS (default "1 16 64").
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${BENCH_DURATION:-5s}
rounds=${BENCH_ROUNDS:-5}
connections=${BENCH_CONNECTIONS:-"1 16 64"}
threads=$(nproc)
out=bench/out
mkdir -p "$out"
cc -O2 -o "$out/mhd-ceiling" bench/mhd-ceiling.c -lmicrohttpd

. bench/lib.sh  # work, pids, cleanup on exit, wrk_summary, median

"$out/mhd-ceiling" 18091 "$threads" & pids+=($!)
KREISHAUS_DATA_DIR="$work" KREISHAUS_INTRANET_PORT=18090 KREISHAUS_PUBLIC_PORT=18092 \
    .build/release/kreishausd serve --config Config/kreishaus.yaml >/dev/null 2>"$out/kreishausd.log" & pids+=($!)

for port in 18090 18091; do
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done

# Prints "requests_per_second p50_us p99_us non2xx" for one wrk run.
measure() {
    local url=$1 conns=$2
    wrk_summary -t $(( conns < 2 ? 1 : 2 )) -c "$conns" -d "$duration" "$url"
}

printf '%-6s %-11s %12s %9s %9s %8s   (median of %s runs of %s)\n' conns server req/s p50_us p99_us non2xx "$rounds" "$duration" | tee "$out/healthz.txt"
declare -A result
for conns in $connections; do
    declare -A samples=()
    for round in $(seq "$rounds"); do
        for target in ceiling kreishausd; do
            port=$([ "$target" = ceiling ] && echo 18091 || echo 18090)
            curl -fs "http://127.0.0.1:$port/healthz" >/dev/null   # warm
            read -r rps p50 p99 bad < <(measure "http://127.0.0.1:$port/healthz" "$conns")
            samples[$target-rps]+="$rps "; samples[$target-p50]+="$p50 "; samples[$target-p99]+="$p99 "; samples[$target-bad]+="$bad "
        done
    done
    for target in ceiling kreishausd; do
        rps=$(tr ' ' '\n' <<<"${samples[$target-rps]}" | grep . | median)
        p50=$(tr ' ' '\n' <<<"${samples[$target-p50]}" | grep . | median)
        p99=$(tr ' ' '\n' <<<"${samples[$target-p99]}" | grep . | median)
        bad=$(tr ' ' '\n' <<<"${samples[$target-bad]}" | grep . | awk '{ s += $1 } END { print s }')
        result[$target-$conns]="$rps $p99"
        printf '%-6s %-11s %12.0f %9.0f %9.0f %8s\n' "$conns" "$target" "$rps" "$p50" "$p99" "$bad" | tee -a "$out/healthz.txt"
    done
done

echo | tee -a "$out/healthz.txt"
echo "Targets: throughput >= 80% of the ceiling, p99 <= 1.5x the ceiling's, at 16 and 64 connections." | tee -a "$out/healthz.txt"
for conns in $connections; do
    read -r crps cp99 <<<"${result[ceiling-$conns]}"
    read -r krps kp99 <<<"${result[kreishausd-$conns]}"
    awk -v c="$conns" -v crps="$crps" -v cp99="$cp99" -v krps="$krps" -v kp99="$kp99" 'BEGIN {
        ratio = krps / crps; lat = (cp99 > 0 ? kp99 / cp99 : 0)
        printf "%3d connections: throughput %.0f%% of ceiling, p99 %.2fx ceiling\n", c, ratio * 100, lat }' | tee -a "$out/healthz.txt"
done
