import Chatbot
import Foundation

/// A small intent set in a temporary directory, in the real file format.
struct IntentsFixture {
    let directory: URL
    static let facts = InstallationFacts([
        "zulassung.name": "Zulassungsstelle", "zulassung.phone": "01234 5678-110",
        "contact.block": "**Bürgerservice**\nTelefon: [01234 5678-0](tel:0123456780)", "website": "https://www.beispielkreis.example",
    ])

    static let followUps = """
        followup: kosten
        title: Kosten
        title.en: Costs
        examples:
          Und was kostet das?
          Was kostet das?
          Wie teuer ist das?
          Welche Gebühren fallen an?
          Muss ich dafür bezahlen?
        examples.en:
          How much does it cost?

        followup: unterlagen
        title: Unterlagen
        examples:
          Welche Unterlagen brauche ich?
          Was muss ich mitbringen?
          Welche Dokumente brauche ich dafür?
          Was brauche ich dafür?
        """

    static let vehicles = """
        # Vehicles.
        intent: kfz-neuzulassung
        title: Fahrzeug zulassen
        title.en: Registering a vehicle
        related: kfz-wunschkennzeichen
        examples:
          Wie melde ich mein Auto an?
          Auto anmelden
          Ich habe ein neues Auto gekauft, wie bekomme ich das zugelassen?
          Zulassung Neuwagen
          Motorrad anmelden
          Wo kann ich mein Fahrzeug zulassen?
          Gebrauchtwagen zulassen
          Anhänger zulassen
        examples.en:
          How do I register my car?
          register a vehicle
        answer:
          Sie melden Ihr Fahrzeug bei der **{{zulassung.name}}** an, Telefon {{zulassung.phone}}.
        answer.en:
          Register your vehicle at the {{zulassung.name}}.
        answer.kosten:
          Eine Zulassung kostet zum Beispiel rund 30 Euro.
        answer.unterlagen:
          - Personalausweis
          - Zulassungsbescheinigung Teil II

        intent: kfz-wunschkennzeichen
        title: Wunschkennzeichen reservieren
        related: kfz-neuzulassung
        examples:
          Wie reserviere ich ein Wunschkennzeichen?
          Wunschkennzeichen
          Kann ich mir mein Kennzeichen aussuchen?
          Wunschkennzeichen online reservieren
          persönliches Kennzeichen
          Ist mein Wunschkennzeichen noch frei?
        answer:
          Reservieren Sie online auf {{website}}.
        answer.kosten:
          Zum Beispiel 12,80 Euro.

        intent: kfz-umschreibung
        title: Fahrzeug umschreiben
        examples:
          Auto ummelden nach Umzug
          Halterwechsel
          Fahrzeug auf mich umschreiben
          Auto gekauft umschreiben
          Adresse im Fahrzeugschein ändern
          Umschreibung Auto
        answer:
          Schreiben Sie das Fahrzeug bei der {{zulassung.name}} um.
        """

    static let other = """
        intent: fuehrerschein-ersatz
        title: Führerschein verloren
        title.en: Lost driving licence
        examples:
          Ich habe meinen Führerschein verloren
          Führerschein gestohlen
          mein Führerschein ist weg
          Ersatzführerschein beantragen
          Führerschein beschädigt
          Führerschein kaputt
        examples.en:
          I lost my driving licence
        answer:
          Beantragen Sie einen Ersatzführerschein.
        answer.en:
          Apply for a replacement licence.

        intent: abfall-kalender
        title: Abfuhrtermine
        examples:
          Wann wird die Mülltonne geleert?
          Abfuhrtermine
          Abfallkalender
          Wann kommt die Müllabfuhr?
          Wann wird der gelbe Sack abgeholt?
          Müll Abfuhr Termin
        answer:
          Die Termine stehen im Abfallkalender.

        intent: mitarbeiter
        title: Mit einem Menschen sprechen
        examples:
          Ich möchte mit einem Mitarbeiter sprechen
          Kann ich einen Menschen sprechen?
          echte Person bitte
          Rückruf
          Ansprechpartner
        answer:
          {{contact.block}}
        """

    static let synonyms = """
        Führerschein = Lappen, Fleppe
        Auto = Karre, Kfz, Pkw
        Kennzeichen = Nummernschild
        """

    init(files: [String: String]? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kreishaus-intents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let contents = files ?? [
            "followups.intent": Self.followUps, "kfz.intent": Self.vehicles, "other.intent": Self.other, "synonyms.txt": Self.synonyms,
        ]
        for (name, text) in contents { try write(name, text) }
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func catalog() throws -> IntentCatalog {
        try IntentCatalog.load(directory: directory, facts: Self.facts)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}
