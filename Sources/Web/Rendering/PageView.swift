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
    /// nested views cost more than a tenth of a simple page's CPU time. The string table `t` is
    /// left out: `LocalizedTemplates` has put every `{{t.key}}` in place when it loaded them.
    var templateValue: TemplateValue {
        var value: [String: TemplateValue] = [
            "locale": .text(locale), "isRussian": .flag(isRussian), "isEnglish": .flag(isEnglish),
            "title": .text(title), "currentPath": .text(currentPath), "csrf": .text(csrf),
        ]
        if let user {
            value["user"] = .object([
                "fullName": .text(user.fullName), "email": .text(user.email), "role": .text(user.role), "roleLabel": .text(user.roleLabel),
                "isAdmin": .flag(user.isAdmin), "isSuperAdmin": .flag(user.isSuperAdmin),
            ])
        }
        if let company { value["company"] = .object(["name": .text(company.name)]) }
        if let flash { value["flash"] = .object(["kind": .text(flash.kind), "message": .text(flash.message)]) }
        return .object(value)
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
/// page can use `{{users}}` and `{{user.fullName}}` side by side.
enum PageView {
    static func make(common: CommonView, content: Any) -> TemplateValue {
        var page = common.templateValue.fields ?? [:]
        if let own = TemplateValue.from(content)?.fields {
            page.merge(own) { _, pageValue in pageValue }
        }
        return .object(page)
    }
}

/// A page with no content of its own.
struct EmptyContent {}

/// A view model that lists its own fields for the template, for types a page shows by the
/// hundred (list rows, select options) and for big page views: `Mirror` costs microseconds per
/// field, and every value it finds is then cast from `Any` again. A test checks each against
/// reflection (`TemplateValue.reflecting`), so a field added to the struct cannot be forgotten.
protocol TemplateFields {
    var templateFields: [String: TemplateValue] { get }
}

extension TemplateValue {
    /// A list of hand-listed values, without a cast.
    static func list(_ items: [some TemplateFields]) -> TemplateValue {
        .list(items.map { .object($0.templateFields) })
    }

    /// Text, or absent (`nil` assigned to a field removes it, as Mustache reads a missing value).
    static func text(ifPresent text: String?) -> TemplateValue? {
        text.map { .text($0) }
    }
}
