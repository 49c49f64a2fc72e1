import Domain
import Mustache

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

/// The object a page template renders: the page's own view model first, the common fields
/// behind it, so a page can use `{{users}}` and `{{t.nav_users}}` side by side.
struct PageView: MustacheParent {
    let common: CommonView
    let content: Any

    func child(named name: String) -> Any? {
        if let value = Self.field(name, of: content) { return value }
        return Self.field(name, of: common)
    }

    private static func field(_ name: String, of object: Any) -> Any? {
        if let parent = object as? any MustacheParent { return parent.child(named: name) }
        guard let match = Mirror(reflecting: object).children.first(where: { $0.label == name }) else { return nil }
        return unwrapOptional(match.value)
    }
}

/// Mirror hands optionals over boxed in `Any`; an empty one must read as "absent" in templates.
func unwrapOptional(_ value: Any) -> Any? {
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .optional else { return value }
    return mirror.children.first?.value
}

/// A page with no content of its own.
struct EmptyContent {}
