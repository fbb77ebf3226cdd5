import Chatbot

extension Configuration {
    /// The facts chatbot answers refer to: `{{district}}`, `{{website}}`, `{{contact.phone}}`,
    /// `{{<office>.name}}`, `{{<office>.phone}}`, … and `{{<office>.block}}`, a ready-made
    /// contact block (name, address, phone, e-mail, hours, appointment link).
    public var installationFacts: InstallationFacts {
        var values: [String: String] = ["district": organisation, "website": website]
        func add(_ prefix: String, name: String, _ contact: Contact) {
            values["\(prefix).name"] = name
            for key in Contact.keys { values["\(prefix).\(key)"] = contact[key] }
            values["\(prefix).block"] = Self.block(name: name, contact)
        }
        add("contact", name: contactName, contact)
        for department in departments { add(department.id, name: department.name, department.contact) }
        return InstallationFacts(values)
    }

    static func block(name: String, _ contact: Contact) -> String {
        var lines = ["**\(name)**"]
        if !contact.address.isEmpty { lines.append(contact.address) }
        if !contact.phone.isEmpty {
            let dialable = contact.phone.filter { $0.isNumber || $0 == "+" }
            lines.append("Telefon: [\(contact.phone)](tel:\(dialable))")
        }
        if !contact.email.isEmpty { lines.append("E-Mail: [\(contact.email)](mailto:\(contact.email))") }
        if !contact.hours.isEmpty { lines.append("Öffnungszeiten: \(contact.hours)") }
        if !contact.appointments.isEmpty { lines.append("[Termin online vereinbaren](\(contact.appointments))") }
        if !contact.url.isEmpty { lines.append("[Mehr auf der Website](\(contact.url))") }
        return lines.joined(separator: "\n")
    }
}
