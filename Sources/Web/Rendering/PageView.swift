import Domain

/// What every template receives besides its own content: strings, the user, the CSRF token.
struct CommonView {
    let t: [String: String]
    let locale: String
    let isRussian: Bool
    let isEnglish: Bool
    let title: String
    let currentPath: String
    let csrf: String
    let user: UserView?
    let company: CompanyView?
    let flash: FlashView?
}

extension CommonView {
    /// Written out by hand because every page renders it: `Mirror` over this struct and its
    /// nested views cost more than a tenth of a simple page's CPU time.
    var templateValue: [String: Any] {
        var value: [String: Any] = [
            "t": t, "locale": locale, "isRussian": isRussian, "isEnglish": isEnglish,
            "title": title, "currentPath": currentPath, "csrf": csrf,
        ]
        if let user {
            value["user"] = [
                "fullName": user.fullName, "email": user.email, "role": user.role, "roleLabel": user.roleLabel,
                "isAdmin": user.isAdmin, "isSuperAdmin": user.isSuperAdmin,
            ] as [String: Any]
        }
        if let company { value["company"] = ["name": company.name] }
        if let flash { value["flash"] = ["kind": flash.kind, "message": flash.message] }
        return value
    }
}

struct UserView {
    let fullName: String
    let email: String
    let role: String
    let roleLabel: String
    let isAdmin: Bool
    let isSuperAdmin: Bool
}

struct CompanyView {
    let name: String
}

struct FlashView {
    let kind: String
    let message: String
}

/// The object a page template renders: the page's own view model over the common fields, so a
/// page can use `{{users}}` and `{{t.nav_users}}` side by side.
///
/// View models are plain structs, but they are flattened into dictionaries once per render:
/// swift-mustache would otherwise reflect (`Mirror`) on a struct for every single name it looks
/// up, and a page looks up hundreds — that reflection was a third of the dashboard's CPU time.
enum PageView {
    static func make(common: CommonView, content: Any) -> [String: Any] {
        var page = common.templateValue
        if let own = TemplateValue.flatten(content) as? [String: Any] {
            page.merge(own) { _, pageValue in pageValue }
        }
        return page
    }
}

/// Turns view-model values into what Mustache reads fastest: dictionaries, arrays and scalars.
enum TemplateValue {
    static func flatten(_ value: Any) -> Any? {
        switch value {
        case let fields as any TemplateFields: return fields.templateFields
        case let text as String: return text
        case let flag as Bool: return flag
        case let number as Int: return number
        case let number as Double: return number
        case let table as [String: String]: return table
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { flatten($0.value) }
        case .collection, .set:
            return mirror.children.compactMap { flatten($0.value) }
        case .dictionary:
            var result: [String: Any] = [:]
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                if pair.count == 2, let key = pair[0].value as? String, let flat = flatten(pair[1].value) { result[key] = flat }
            }
            return result
        case .struct, .class:
            var result: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label, let flat = flatten(child.value) { result[label] = flat }
            }
            return result
        default:
            return value
        }
    }
}

/// A page with no content of its own.
struct EmptyContent {}

/// A view model that lists its own fields for the template, for types a page shows by the
/// hundred (list rows, select options): `Mirror` costs microseconds per field, and the client
/// list's 50 rows and 89 region options spent a sixth of the page's CPU time in it.
protocol TemplateFields {
    var templateFields: [String: Any] { get }
}
