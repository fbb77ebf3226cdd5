#!/usr/bin/env python3
"""Ask a running kreishausd chatbot the questions of a JSON Lines file, over HTTP.

Each line is {"text": "...", "intent": "<id>" | null | "oos"}. Every question goes to
POST /api/chat as a citizen's would (a new conversation each, the server detects the
language), and the reply is scored the way a citizen sees it:

- in scope: answered with the expected intent (a hit), answered with another intent
  (wrong), asked back with the expected intent among the options, asked back without it,
  or fell back;
- out of scope: fell back (right) or anything else.

Prints the rates and every question that was not a hit. Exit code 0; the figures are
for people, not a gate. Standard library only.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request


def ask(url, text):
    body = json.dumps({"message": text}).encode()
    for _ in range(20):
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code != 429:
                raise
            time.sleep(float(error.headers.get("Retry-After", "1")))
    raise RuntimeError("rate limited 20 times in a row")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--url", default="http://127.0.0.1:8081/api/chat")
    args = parser.parse_args()

    counts = {"hit": 0, "wrong": 0, "clarify-with": 0, "clarify-without": 0, "fallback": 0,
              "oos-fallback": 0, "oos-other": 0}
    misses = []
    with open(args.file, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            item = json.loads(line)
            expected = item.get("intent")
            in_scope = expected not in (None, "oos")
            reply = ask(args.url, item["text"])
            kind, got = reply["kind"], reply.get("intent")
            options = [option["intent"] for option in reply.get("options") or []]
            if not in_scope:
                outcome = "oos-fallback" if kind == "fallback" else "oos-other"
            elif kind == "answer":
                outcome = "hit" if got == expected else "wrong"
            elif kind == "clarify":
                outcome = "clarify-with" if expected in options else "clarify-without"
            else:
                outcome = "fallback"
            counts[outcome] += 1
            if outcome not in ("hit", "oos-fallback"):
                shown = got or ",".join(options) or "-"
                misses.append(f"  {outcome:15} {reply['confidence']:.2f}  {item['text']!r}: "
                              f"expected {expected or 'fallback'}, got {kind} {shown}")

    in_scope = sum(counts[k] for k in ("hit", "wrong", "clarify-with", "clarify-without", "fallback"))
    oos = counts["oos-fallback"] + counts["oos-other"]

    def rate(n, total):
        return f"{100 * n / total:.1f} % ({n} of {total})" if total else "-"

    print(f"{args.file}: {in_scope} in scope, {oos} out of scope, asked at {args.url}")
    print(f"  hit (answered with the right intent): {rate(counts['hit'], in_scope)}")
    print(f"  answered wrong:                       {rate(counts['wrong'], in_scope)}")
    print(f"  asked back, right intent offered:     {rate(counts['clarify-with'], in_scope)}")
    print(f"  asked back, right intent not offered: {rate(counts['clarify-without'], in_scope)}")
    print(f"  fell back:                            {rate(counts['fallback'], in_scope)}")
    print(f"  out of scope fell back:               {rate(counts['oos-fallback'], oos)}")
    if misses:
        print("Not hit:")
        print("\n".join(misses))


if __name__ == "__main__":
    sys.exit(main())
