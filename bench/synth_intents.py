#!/usr/bin/env python3
"""Writes a synthetic intent set for the matcher benchmarks: N intents x K examples in the
Intents/ file format, plus the same as JSON Lines (train) and held-out variants (test).

Usage: bench/synth_intents.py OUT_DIR [--intents 500] [--examples 20] [--seed 7]
The vocabulary is real German administrative words, combined per intent from a distinct
pair of nouns and a verb, so that intents overlap the way real ones do.
"""
import argparse, json, os, random

NOUNS = """Antrag Ausweis Bescheid Gebühr Termin Formular Nachweis Genehmigung Erlaubnis Anmeldung Abmeldung Zulassung
Fahrzeug Anhänger Motorrad Kennzeichen Führerschein Fahrerlaubnis Parkausweis Baustelle Straße Veranstaltung Umzug
Wohnung Miete Zuschuss Beihilfe Pflege Heim Rente Kind Schule Kita Jugend Familie Unterhalt Vormund Beratung
Hund Katze Pferd Tier Lebensmittel Restaurant Hygiene Trinkwasser Impfung Belehrung Zeugnis Gesundheit Arzt
Abfall Tonne Sperrmüll Grüngut Wertstoff Batterie Farbe Schadstoff Bauantrag Bauakte Grundstück Garage Carport
Zaun Baum Wald Holz Jagd Fischerei Waffe Munition Aufenthalt Visum Einbürgerung Pass Staatsangehörigkeit
Arbeit Stelle Ausbildung Praktikum Bewerbung Rechnung Mahnung Zahlung Konto Überweisung Quittung Frist
Widerspruch Beschwerde Auskunft Akte Archiv Urkunde Kopie Beglaubigung Übersetzung Dolmetscher Vollmacht""".split()
VERBS = """beantragen verlängern abmelden anmelden ändern bezahlen bekommen einreichen abholen melden prüfen
kündigen erneuern ersetzen übertragen löschen nachweisen beglaubigen anfordern umschreiben""".split()
TEMPLATES = [
    "Wie kann ich {a} {v}?", "{a} {v}", "Ich möchte {a} für {b} {v}", "Wo muss ich hin um {a} zu {v}?",
    "{a} und {b}", "Was brauche ich um {a} zu {v}?", "Kann ich {a} online {v}?", "{b} {a} {v} wie geht das",
    "Frage zu {a} bei {b}", "Ich muss {a} {v}, was tun?", "Wer ist zuständig für {a} und {b}?", "{a} {b}",
    "Wie lange dauert es {a} zu {v}?", "Was kostet es {a} zu {v}?", "Hilfe bei {a}", "mein {a} für {b}",
    "Brauche ich einen Termin für {a}?", "{v} {a} {b}", "Formular {a} {v}", "Gibt es {a} auch für {b}?",
    "Ich habe eine Frage zu {b} und {a}", "wo {a} {v}", "{a} {v} bitte", "Informationen zu {a} {b}",
]

def typo(word, rng):
    if len(word) < 5: return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i + 1] + word[i] + word[i + 2:]

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--intents", type=int, default=500)
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pairs = [(a, b) for a in NOUNS for b in NOUNS if a != b]
    rng.shuffle(pairs)
    intents_dir = os.path.join(args.out, "Intents")
    os.makedirs(intents_dir, exist_ok=True)
    train, test, files = [], [], {}
    for i in range(args.intents):
        a, b = pairs[i]
        v = rng.choice(VERBS)
        ident = f"synth-{i:04d}"
        templates = rng.sample(TEMPLATES, min(args.examples, len(TEMPLATES)))
        examples = [t.format(a=a, b=b, v=v) for t in templates][: args.examples]
        for e in examples: train.append({"text": e, "intent": ident})
        for t in rng.sample(TEMPLATES, 4):
            q = t.format(a=a, b=b, v=v)
            if rng.random() < 0.3: q = " ".join(typo(w, rng) for w in q.split())
            test.append({"text": q.lower() if rng.random() < 0.3 else q, "intent": ident})
        block = [f"intent: {ident}", f"title: {a} {v} ({b})", "examples:"] + [f"  {e}" for e in examples]
        block += ["answer:", f"  Antwort zu {a} und {b}: Das können Sie bei uns {v}.", ""]
        files.setdefault(f"synth-{i // 50:02d}.intent", []).extend(block)
    for name, lines in files.items():
        with open(os.path.join(intents_dir, name), "w") as f: f.write("\n".join(lines) + "\n")
    for name, rows in (("train.jsonl", train), ("test.jsonl", test)):
        with open(os.path.join(args.out, name), "w") as f:
            for row in rows: f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{args.intents} intents, {len(train)} examples, {len(test)} test questions in {args.out}")

if __name__ == "__main__":
    main()
