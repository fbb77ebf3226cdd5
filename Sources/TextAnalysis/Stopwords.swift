/// Function words that carry no topic: they still count as features (a classifier learns
/// their weight), but they are never decompounded or typo-corrected, and they do not count
/// when asking how much of a question the vocabulary understood.
///
/// The lists hold tokens as `Analyzer.tokens` produces them (folded, umlauts spelt plainly).
public enum Stopwords {
    public static func contains(_ token: String, language: Analyzer.Language) -> Bool {
        switch language {
        case .german: german.contains(token)
        case .english: english.contains(token)
        }
    }

    static let german: Set<String> = Set<String>([
        "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am", "an", "ander", "andere", "anderen", "auch", "auf",
        "aus", "bei", "beim", "bin", "bis", "bist", "bitte", "da", "dabei", "dafur", "damit", "dann", "dar", "daran", "darf",
        "darum", "das", "dass", "dazu", "dein", "deine", "dem", "den", "denn", "der", "des", "dich", "die", "dies", "diese",
        "diesem", "diesen", "dieser", "dieses", "dir", "doch", "dort", "du", "durch", "ein", "eine", "einem", "einen", "einer",
        "eines", "einfach", "er", "es", "etwas", "euch", "euer", "fur", "gibt", "geht", "gern", "gerne", "hab", "habe", "haben",
        "hat", "hatte", "hatten", "hier", "hin", "ich", "ihm", "ihn", "ihnen", "ihr", "ihre", "im", "in", "ins", "ist",
        "jetzt", "kann", "kannst", "konnen", "konnte", "man", "mein", "meine", "meinem", "meinen", "meiner", "meines",
        "mich", "mir", "mit", "muss", "musst", "mussen", "nach", "nicht", "noch", "nun", "nur", "ob", "oder", "ohne", "schon",
        "sein", "seine", "sich", "sie", "sind", "so", "soll", "sollte", "um", "und", "uns", "unser", "unsere", "vom", "von",
        "vor", "war", "waren", "was", "weil", "welche", "welchen", "welcher", "welches", "wenn", "wer", "werde", "werden", "wie",
        "will", "wir", "wird", "wo", "woher", "wohin", "wollen", "zu", "zum", "zur", "uber", "mal", "eigentlich", "genau",
        "bzw", "wann", "warum", "wieso", "weshalb", "worden", "wurde", "wurden", "wurdest", "sei", "seid", "gewesen",
        "hatte", "hattest", "kannst", "konnten", "mochte", "mochten", "musste", "mussten", "durfen", "darf", "sollen",
        "solltest", "wollte", "wollten", "einmal", "immer", "wieder", "sehr", "viel", "viele", "mehr", "schon", "gibt's",
        "wegen", "zwischen", "unter", "gegen", "seit", "wahrend", "trotz", "jemand", "jemanden", "etwa", "hier", "da",
        "dies", "jene", "jener", "selbst", "sowie", "sondern", "denn", "also", "bereits", "gerade", "sonst", "dann",
        "hast", "warst",
        // Spoken contractions: "danke, das wars" had "wars" stemmed to "war", the stem of "Ware",
        // and was answered with food inspection.
        "wars", "gibts", "gehts", "hats", "ists", "isses", "machts", "haste", "biste", "kannste", "willste",
        // The country the bot serves says nothing about a topic: with "in Deutschland" in the
        // foreign licence's examples, "Wetter in Deutschland morgen" was answered with it.
        "deutschland",
        // "wer" declined: "Mäuse im Imbiss, wem sag ich das?" asks who is responsible, as "wer" does.
        "wem", "wen", "wessen",
        // Possessives declined like "mein" ("meinen", "meinem" are here): "mein Sohn hat seinen
        // Führerschein verloren" counted "sein" against the replacement licence.
        "seinem", "seinen", "seiner", "seines", "ihrem", "ihren", "ihrer", "ihres", "unserem", "unseren",
        "unserer", "unseres", "deinem", "deinen", "deiner", "deines", "eure", "eurem", "euren", "eurer", "eures",
        // A letter's salutation and closing: "Sehr geehrte Damen und Herren, mein Führerschein ist
        // weg" fell back, three of its five words unknown.
        "geehrte", "geehrter", "geehrten", "damen", "herren", "freundlichen", "freundliche",
        // Months and where in them: "Mein Jagdschein läuft Ende März ab" fell back, "Ende" and
        // "März" unknown.
        "januar", "janner", "februar", "marz", "april", "mai", "juni", "juli", "august", "september", "oktober",
        "november", "dezember", "ende", "anfang", "mitte",
        // Spoken and chat forms of function words: "fuehrerschein verlorn was nu" was read as
        // English ("nu" unknown in German too), "wo kann ich meinen ganzen elektroschrott
        // abladen" counted "ganz" against the recycling centre, and "halt" met "Halter".
        "isn", "nen", "ne", "nem", "ner", "ham", "nu", "halt", "eben", "ganz", "ganze", "ganzen", "ganzer",
        "ganzes", "bisschen", "bissl", "wan",
        // "nichts" and its spoken forms, and "richtig" ("Der Papa von meinem Kind zahlt nix";
        // "… kann nicht mehr richtig laufen" counted "richtig" of "mit einem richtigen
        // Menschen reden" against the disability card).
        "nichts", "nix", "nich", "richtig", "richtige", "richtigen", "richtiger", "richtiges",
        // "erstmal": "Hallo erstmal" met "erstmalig" and was answered with the first driving
        // licence.
        "erstmal",
        // Adverbs of time and mood around a story: "Ich bin 18 und will endlich den
        // Führerschein machen" and "muss man für die Zulassungsstelle vorher einen Termin
        // machen" fell back with the adverb unknown.
        "endlich", "vorher", "nachher", "danach", "zuerst", "inzwischen", "mittlerweile", "leider", "trotzdem",
        // "weiter" of the thanks "Das hilft mir weiter" made "weit" a greeting's word, so that
        // "Wie weit ist mein Antrag?" began with one.
        "weiter",
        // The furniture of a story, which names no topic: quantities, degrees, and who it
        // happened to. "jede Menge alte Batterien" and "Seit mein Mann gestorben ist, reicht
        // die Rente kaum für die Miete" fell back with these words counted as not understood
        // (no example uses them).
        "jede", "jeder", "jedes", "jeden", "jedem", "menge", "kaum", "gar", "bald", "uberhaupt", "woanders", "komplett",
        "ziemlich", "wirklich", "mann", "mannes", "frau", "ehemann", "ehefrau",
        // An age: "meine 15-jährige Tochter".
        "jahrig", "jahrige", "jahrigen", "jahriger", "jahriges",
        // Who is responsible is what every question to an office asks: "Wir wollen ein
        // Pflegekind aufnehmen, wer ist dafür zuständig?" counted the word against the youth
        // office, as one out-of-scope example ("Nachlassgericht zuständig") has it.
        "zustandig", "zustandige", "zustandigen", "zustandiger", "zustandiges",
        // Spoken vagueness and place: "Kann ich mein Grünzeug irgendwo abladen?" and "In der
        // Dönerbude nebenan laufen Mäuse rum" fell back with these counted as not understood;
        // "is" is spoken "ist" ("unsere tonne is geklaut worden").
        "irgendwo", "irgendwie", "irgendwann", "irgendwas", "irgendwer", "irgendjemand", "irgendjemanden",
        "irgendwelche", "irgendwelchen", "irgendwelchem", "irgendwelcher", "irgendwelches", "irgendein",
        "irgendeine", "irgendeinen", "irgendeinem", "irgendeiner", "irgendeines", "sowas", "rum", "herum",
        "nebenan", "is", "mega",
    ]).union(germanInterjections)

    /// German interjections, function words too ("Na hallo, grüß dich"). Not "oh", "ok" and
    /// the like: English too, as German function words they made "Oh hi there" German.
    static let germanInterjections: Set<String> = ["na", "naja", "ach", "tja", "ja", "jo", "nee", "nein"]

    /// Words that may stand before a greeting without making the message a question ("Na
    /// hallo", "Oh hi"), folded; both languages.
    public static let interjections: Set<String> = germanInterjections.union([
        "oh", "aha", "hm", "hmm", "ok", "okay", "well", "yes", "no", "so", "also",
    ])

    static let english: Set<String> = [
        "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "being", "but", "by", "can",
        "could", "did", "do", "does", "doing", "for", "from", "get", "got", "had", "has", "have", "having", "he", "her",
        "here", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "let", "me", "my", "need", "no",
        "not", "of", "on", "or", "our", "please", "she", "should", "so", "some", "than", "thanks", "that", "the", "their",
        "them", "then", "there", "these", "they", "this", "to", "up", "us", "want", "was", "we", "were", "what", "when",
        "where", "which", "who", "why", "will", "with", "would", "you", "your", "im", "dont", "cant", "there", "am", "is", "are", "was", "been", "do", "does", "did", "shall", "may", "might",
        "must", "any", "each", "every", "very", "too", "also", "only", "own", "same", "such", "both", "more", "most",
        // Contractions, as tokens keep them (typographic apostrophes are folded to the plain one).
        "i'm", "i'd", "i've", "i'll", "you're", "you've", "you'd", "you'll", "it's", "that's", "there's", "what's", "where's",
        "how's", "who's", "he's", "she's", "we're", "we've", "we'd", "they're", "they've", "let's", "don't", "doesn't",
        "didn't", "can't", "cannot", "won't", "wouldn't", "couldn't", "shouldn't", "isn't", "aren't", "wasn't", "weren't",
        "haven't", "hasn't", "hadn't", "ive", "youre", "doesnt", "didnt", "wont", "isnt", "arent", "wasnt", "havent",
        "hasnt", "wouldnt", "couldnt",
        // No topic in a question to the district: "I'd like to know …", "… in Germany".
        "like", "know", "germany",
        "whom", "whose",
    ]
}
