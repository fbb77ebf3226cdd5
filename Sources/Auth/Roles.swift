/// The roles of Kreishaus. A route names what it needs; admin holds every role.
/// Membership of a department is the role `department:<id>`, ids from `Config/`.
public enum Role {
    public static let employee = "employee"
    public static let fleetManager = "fleet-manager"
    public static let mailroomClerk = "mailroom-clerk"
    public static let wikiEditor = "wiki-editor"
    public static let admin = "admin"
    /// For monitoring tokens: may read `/metrics` and nothing else.
    public static let monitoring = "monitoring"
    public static let departmentPrefix = "department:"

    public static let fixed: [String] = [employee, fleetManager, mailroomClerk, wikiEditor, admin, monitoring]

    public static func department(_ id: String) -> String { departmentPrefix + id }

    /// Whether `role` is a fixed role or a department role for a known department.
    public static func isValid(_ role: String, departments: Set<String>) -> Bool {
        if fixed.contains(role) { return true }
        if role.hasPrefix(departmentPrefix) { return departments.contains(String(role.dropFirst(departmentPrefix.count))) }
        return false
    }
}
