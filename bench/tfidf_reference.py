#!/usr/bin/env python3
"""The reference to beat: a TF-IDF linear classifier (word 1-2-grams plus character
2-5-grams within word boundaries) trained on the same examples, scored like
`kreishausd intents eval`. Needs scikit-learn (pip install scikit-learn).

Usage: bench/tfidf_reference.py TRAIN.jsonl TEST.jsonl [--threshold 0.5]
Prints one JSON object: top-1 accuracy (LinearSVC and logistic regression), in-scope accuracy
and out-of-scope recall with a probability threshold (logistic regression), macro F1, and
per-question prediction latency p50/p99 in microseconds.
"""
import argparse, json, time
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC


def read(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [(r["text"], None if r.get("intent") in (None, "oos") else r["intent"]) for r in rows]


def features():
    return make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("train")
    parser.add_argument("test")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    train = [(t, i) for t, i in read(args.train) if i is not None]
    test = read(args.test)
    x_train, y_train = [t for t, _ in train], [i for _, i in train]
    in_scope = [(t, i) for t, i in test if i is not None]
    oos = [t for t, i in test if i is None]

    started = time.perf_counter()
    svm = make_pipeline(features(), LinearSVC(C=1.0)).fit(x_train, y_train)
    svm_build = time.perf_counter() - started
    started = time.perf_counter()
    logreg = make_pipeline(features(), LogisticRegression(C=10.0, max_iter=2000)).fit(x_train, y_train)
    logreg_build = time.perf_counter() - started

    svm_pred = svm.predict([t for t, _ in in_scope]) if in_scope else []
    lr_proba = logreg.predict_proba([t for t, _ in in_scope]) if in_scope else []
    classes = logreg.classes_
    lr_pred = [classes[row.argmax()] for row in lr_proba]
    lr_conf = [row.max() for row in lr_proba]
    truth = [i for _, i in in_scope]
    result = {
        "train": len(train), "test": len(test), "intents": len(set(y_train)),
        "svm_top1_accuracy": sum(p == t for p, t in zip(svm_pred, truth)) / max(1, len(truth)),
        "svm_macro_f1": f1_score(truth, svm_pred, average="macro", labels=sorted(set(truth))) if truth else 0,
        "logreg_top1_accuracy": sum(p == t for p, t in zip(lr_pred, truth)) / max(1, len(truth)),
        "logreg_in_scope_accuracy": sum(p == t and c >= args.threshold for p, t, c in zip(lr_pred, truth, lr_conf)) / max(1, len(truth)),
        "build_seconds_svm": svm_build, "build_seconds_logreg": logreg_build,
    }
    if oos:
        oos_conf = logreg.predict_proba(oos).max(axis=1)
        result["logreg_out_of_scope_recall"] = float((oos_conf < args.threshold).mean())
    latencies = []
    for text, _ in test[:2000]:
        started = time.perf_counter()
        svm.predict([text])
        latencies.append((time.perf_counter() - started) * 1e6)
    latencies.sort()
    result["svm_latency_p50_us"] = latencies[len(latencies) // 2]
    result["svm_latency_p99_us"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
