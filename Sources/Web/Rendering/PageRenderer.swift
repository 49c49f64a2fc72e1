import Domain
import Foundation
import Hummingbird

/// Renders templates from `Resources/Templates` into HTML responses in the visitor's language.
public struct PageRenderer: Sendable {
    /// Per language, UI strings already in place; see ``LocalizedTemplates``.
    let libraries: [AppLocale: TemplateLibrary]
    let localizer: Localizer

    init(libraries: [AppLocale: TemplateLibrary], localizer: Localizer) {
        self.libraries = libraries
        self.localizer = localizer
    }

    /// Loads templates and strings from the module's resource bundle.
    public static func fromBundle() throws -> PageRenderer {
        let resources = WebResources.directory
        let localizer = try Localizer.load(from: resources.appendingPathComponent("Locales"))
        let libraries = try LocalizedTemplates.libraries(templates: resources.appendingPathComponent("Templates"), localizer: localizer)
        return PageRenderer(libraries: libraries, localizer: localizer)
    }

    func page(_ template: String, titleKey: String, content: Any = EmptyContent(), request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok) -> Response {
        let common = commonView(titleKey: titleKey, request: request, context: context)
        let library = libraries[context.visitor.locale] ?? libraries[.fallback]!
        let html = library.render(template, PageView.make(common: common, content: content)) ?? "template \(template) missing"
        return Self.html(html, status: status)
    }

    func commonView(titleKey: String, request: Request, context: AppRequestContext) -> CommonView {
        let locale = context.visitor.locale
        let table = localizer.table(locale)
        let identity = context.visitor.identity
        return CommonView(
            t: table,
            locale: locale.rawValue,
            isRussian: locale == .ru,
            isEnglish: locale == .en,
            title: table[titleKey] ?? titleKey,
            currentPath: request.uri.path + (request.uri.query.map { "?\($0)" } ?? ""),
            csrf: context.visitor.csrf.token,
            user: identity.map { identity in
                let roleKey = identity.user.isSuperAdmin ? "roles_super_admin" : "roles_\(identity.user.role?.rawValue ?? "viewer")"
                let admin = identity.user.role.map { AccessPolicy.allows($0, .manageUsers) } ?? false
                return UserView(fullName: identity.user.fullName, email: identity.user.email.value,
                                role: identity.user.isSuperAdmin ? PlatformRole.superAdmin.rawValue : (identity.user.role?.rawValue ?? ""),
                                roleLabel: table[roleKey] ?? roleKey, isAdmin: admin, isSuperAdmin: identity.user.isSuperAdmin)
            },
            company: identity?.company.map { CompanyView(name: $0.name) },
            flash: context.visitor.flash.map { FlashView(kind: $0.kind.rawValue, message: $0.message(in: table)) }
        )
    }

    func text(_ key: String, _ context: AppRequestContext) -> String {
        localizer.text(key, context.visitor.locale)
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Where the module's bundled resources are on disk.
public enum WebResources {
    public static var directory: URL {
        Bundle.module.url(forResource: "Resources", withExtension: nil) ?? Bundle.module.bundleURL.appendingPathComponent("Resources")
    }
}
