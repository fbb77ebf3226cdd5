#!/usr/bin/env python3
"""Converts public intent benchmarks into the JSON Lines that `kreishausd intents eval` and
bench/tfidf_reference.py read ({"text": ..., "intent": ...}; "oos" marks out of scope).

Usage: bench/public_corpora.py SOURCE_DIR OUT_DIR
SOURCE_DIR holds whichever of these files were downloaded (see bench/public_benchmarks.sh):
  AskUbuntuCorpus.json, WebApplicationsCorpus.json, ChatbotCorpus.json
      NLU Evaluation Corpora (Braun et al., SIGdial 2017; CC BY-SA 3.0): the "training" flag
      gives the split, the intent "None" is out of scope.
  clinc150.json   CLINC150 data_full.json (Larson et al., EMNLP 2019; CC BY 3.0):
      train/test plus oos_test as out of scope (oos_train is left out, as are all
      out-of-scope training lines: see below).
  banking77-train.csv, banking77-test.csv   Banking77 (Casanueva et al., 2020; CC BY 4.0).
Writes NAME-train.jsonl and NAME-test.jsonl per data set found and prints their names.
"""
import csv, json, os, sys


def write(path, rows):
    with open(path, "w", encoding="utf-8") as out:
        for text, intent in rows:
            out.write(json.dumps({"text": text, "intent": intent}, ensure_ascii=False) + "\n")


def label(intent):
    return "oos" if intent in (None, "None", "oos") else intent.replace(" ", "")


def main():
    source, target = sys.argv[1], sys.argv[2]
    os.makedirs(target, exist_ok=True)
    sets = {}
    for name, file in (("askubuntu", "AskUbuntuCorpus.json"), ("webapps", "WebApplicationsCorpus.json"),
                       ("chatbot", "ChatbotCorpus.json")):
        path = os.path.join(source, file)
        if not os.path.exists(path):
            continue
        sentences = json.load(open(path, encoding="utf-8"))["sentences"]
        sets[name] = ([(s["text"], label(s["intent"])) for s in sentences if s.get("training")],
                      [(s["text"], label(s["intent"])) for s in sentences if not s.get("training")])
    path = os.path.join(source, "clinc150.json")
    if os.path.exists(path):
        data = json.load(open(path, encoding="utf-8"))
        sets["clinc150"] = ([(t, i) for t, i in data["train"]],
                            [(t, i) for t, i in data["test"]] + [(t, "oos") for t, _ in data["oos_test"]])
    train, test = os.path.join(source, "banking77-train.csv"), os.path.join(source, "banking77-test.csv")
    if os.path.exists(train) and os.path.exists(test):
        read = lambda p: [(r["text"], r["category"]) for r in csv.DictReader(open(p, encoding="utf-8"))]
        sets["banking77"] = (read(train), read(test))
    for name, (train_rows, test_rows) in sets.items():
        # Out-of-scope training lines ("None") are left out: the reference ignores them, and
        # both engines should learn from the same lines (intents eval would learn them).
        write(os.path.join(target, f"{name}-train.jsonl"), [(t, i) for t, i in train_rows if i != "oos"])
        write(os.path.join(target, f"{name}-test.jsonl"), test_rows)
        print(name)


if __name__ == "__main__":
    main()
