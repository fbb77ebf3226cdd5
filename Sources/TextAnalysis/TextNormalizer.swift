/// The first stage of text analysis: Unicode normalisation through ICU, so that full-width,
/// composed and decomposed forms and every letter case compare equal ("FÜHRERSCHEIN",
/// "Fu\u{308}hrerschein" and "führerschein" all become "führerschein"; "Straße" becomes
/// "strasse"). Word breaks, stemming and the rest follow with the chatbot.
///
/// ```swift
/// TextNormalizer.fold("KFZ-Zulassung")   // "kfz-zulassung"
/// ```
public enum TextNormalizer {
    /// NFKC with full case folding (ICU's NFKC_Casefold). Falls back to Swift's lowercasing
    /// if ICU ever reports an error, so analysis never fails on odd input.
    public static func fold(_ text: String) -> String {
        ICUBridge.nfkcCasefold(text) ?? text.lowercased()
    }

    /// The ICU version the daemon is linked against (for `--version` and diagnostics).
    public static var icuVersion: String { ICUBridge.version }
}
