#!/usr/bin/env bash
# kreishausd next to the TF-IDF reference on public intent benchmarks (English): the NLU
# Evaluation Corpora (AskUbuntu, WebApplications, Chatbot), CLINC150 with its out-of-scope
# test questions, and Banking77. Same train/test files for both; `intents eval --language en`.
# The corpora are downloaded from their public repositories into BENCH_PUBLIC_DIR (default
# bench/out/public); a machine without that access can put the files there by hand (names in
# bench/public_corpora.py). Whatever is missing is reported and skipped, never faked.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${BENCH_PUBLIC_DIR:-bench/out/public}
mkdir -p "$dir"
bin=.build/release/kreishausd
fetch() {  # $1: file name in $dir, $2: URL
    [ -s "$dir/$1" ] && return 0
    curl -fsSL --connect-timeout 10 --max-time 300 -o "$dir/$1.part" "$2" 2>/dev/null && mv "$dir/$1.part" "$dir/$1" \
        || { rm -f "$dir/$1.part"; echo "not reachable: $2 (put it at $dir/$1)"; }
}
nlu=https://raw.githubusercontent.com/sebischair/NLU-Evaluation-Corpora/master
fetch AskUbuntuCorpus.json "$nlu/AskUbuntuCorpus.json"
fetch WebApplicationsCorpus.json "$nlu/WebApplicationsCorpus.json"
fetch ChatbotCorpus.json "$nlu/ChatbotCorpus.json"
fetch clinc150.json https://raw.githubusercontent.com/clinc/oos-eval/master/data/data_full.json
fetch banking77-train.csv https://raw.githubusercontent.com/PolyAI-LDN/task-specific-datasets/master/banking_data/train.csv
fetch banking77-test.csv https://raw.githubusercontent.com/PolyAI-LDN/task-specific-datasets/master/banking_data/test.csv

sets=$(python3 bench/public_corpora.py "$dir" "$dir/jsonl")
if [ -z "$sets" ]; then
    echo "No public benchmark available in $dir: nothing measured."
    exit 0
fi
have_sklearn=1
python3 -c 'import sklearn' 2>/dev/null || have_sklearn=0
printf '%-10s %6s %6s | %-30s | %-34s\n' set train test "kreishausd top1 / answered / oos" "TF-IDF SVC top1 / LR top1 / LR p>=0.5 / oos"
for set in $sets; do
    train="$dir/jsonl/$set-train.jsonl" test="$dir/jsonl/$set-test.jsonl"
    ours=$("$bin" intents eval --train "$train" --test "$test" --language en --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
oos = "-" if d["out_of_scope_recall"] is None else "%.1f%%" % (100 * d["out_of_scope_recall"])
print("%.1f%% / %.1f%% / %s" % (100 * d["top1_accuracy"], 100 * d["in_scope_accuracy"], oos))')
    if [ "$have_sklearn" = 1 ]; then
        ref=$(python3 bench/tfidf_reference.py "$train" "$test" | python3 -c '
import json, sys
d = json.load(sys.stdin)
oos = "-" if d.get("logreg_out_of_scope_recall") is None else "%.1f%%" % (100 * d["logreg_out_of_scope_recall"])
print("%.1f%% / %.1f%% / %.1f%% / %s" % (100 * d["svm_top1_accuracy"], 100 * d["logreg_top1_accuracy"], 100 * d["logreg_in_scope_accuracy"], oos))')
    else
        ref="scikit-learn not installed"
    fi
    printf '%-10s %6s %6s | %-30s | %-34s\n' "$set" "$(wc -l <"$train")" "$(wc -l <"$test")" "$ours" "$ref"
done
