import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Observability
import Storage
import Testing
@testable import Web

@Suite struct SecurityTests {
    @Test func securityHeadersOnEveryPage() async throws {
        try await TestApp.run { app, client in
            for path in ["/", "/login", "/no-such-page"] {
                let response = try await Browser(client).get(path)
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("script-src 'self'"), "\(path)")
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] != nil)
                #expect(response.headers[.strictTransportSecurity] == nil, "no HSTS over plain HTTP")
            }
        }
    }

    @Test func templatesCarryNoInlineScriptOrStyle() throws {
        let directory = WebResources.directory.appendingPathComponent("Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        #expect(files.count >= 16)
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(text.firstMatch(of: /<script(?![^>]*\bsrc=)[^>]*>/) == nil, "\(file) has an inline script")
            #expect(text.firstMatch(of: /\son[a-z]+\s*=/) == nil, "\(file) has an inline event handler")
            #expect(text.firstMatch(of: /\sstyle\s*=/) == nil, "\(file) has an inline style")
            #expect(!text.contains("{{{"), "\(file) renders unescaped data")
        }
    }

    @Test func forwardedProtoIsBelievedOnlyFromATrustedProxy() async throws {
        // The router test channel has no peer address, which the app reports as "unknown".
        try await TestApp.run(configure: { $0.trustedProxies = ["unknown"] }) { app, client in
            let browser = Browser(client)
            let response = try await browser.send("/login", method: .get, body: nil, contentType: nil, extraHeaders: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(response.headers[.strictTransportSecurity] != nil)
            #expect(response.headers[values: .setCookie].allSatisfy { $0.contains("Secure") })
        }
        try await TestApp.run { app, client in
            let response = try await Browser(client).send("/login", method: .get, body: nil, contentType: nil, extraHeaders: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(response.headers[.strictTransportSecurity] == nil, "an untrusted peer cannot claim HTTPS")
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        try await TestApp.run(configure: { $0.maxBodyBytes = 4_096 }) { app, client in
            let browser = Browser(client)
            try await browser.get("/signup")
            let big = "full_name=" + String(repeating: "a", count: 10_000)
            let response = try await browser.send("/signup", method: .post, body: big, contentType: "application/x-www-form-urlencoded")
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func unknownPagesAre404InTheVisitorsLanguage() async throws {
        try await TestApp.run { app, client in
            let browser = Browser(client)
            browser.acceptLanguage = "en-US,en;q=0.9"
            let response = try await browser.get("/definitely/not/here")
            #expect(response.status == .notFound)
            #expect(response.text.contains(app.services.renderer.localizer.text("error_not_found_title", .en)))
        }
    }

    @Test func theWorkspaceNeedsASignedInUser() async throws {
        try await TestApp.run { app, client in
            for path in ["/dashboard", "/users", "/settings", "/audit", "/jobs", "/account", "/admin/tenants"] {
                let response = try await Browser(client).get(path)
                #expect(response.location == "/login", "\(path)")
            }
        }
    }

    @Test func viewersCannotManageUsersOrReadTheAuditTrail() async throws {
        try await TestApp.run { app, client in
            let owner = Browser(client)
            try await Flows.signUp(owner, email: "anna@a.ru")
            try await Flows.addUser(owner, email: "vera@a.ru", role: "viewer")
            let vera = Browser(client)
            try await Flows.logIn(vera, email: "vera@a.ru", password: "temporary password 1")
            try await vera.post("/account/password", [("current_password", "temporary password 1"), ("new_password", "vera own password"), ("new_password_confirm", "vera own password")], tokenFrom: "/account")
            #expect(try await vera.get("/audit").status == .forbidden)
            #expect(try await vera.get("/admin/tenants").status == .notFound)
            #expect(try await Flows.addUser(vera, email: "x@a.ru").status == .forbidden)
            let admin = try await Flows.addUser(owner, email: "adam@a.ru", role: "owner")
            #expect(admin.location == "/users", "owners may make owners")
        }
    }

    @Test func productionDefaultsMeetThePromises() {
        let configuration = AppConfiguration()
        #expect(configuration.bcryptCost >= 12)
        #expect(configuration.hostname == "127.0.0.1")
        #expect(configuration.port == 8080)
    }
}

@Suite struct StaticFilesTests {
    @Test func stylesheetAndScriptAreServedWithoutASession() async throws {
        try await TestApp.run { app, client in
            let browser = Browser(client)
            let css = try await browser.get("/public/app.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.text.contains("{"))
            #expect(browser.cookies.isEmpty, "static files start no session and set no cookie")
            let etag = try #require(css.headers[.eTag])
            let again = try await browser.send("/public/app.css", method: .get, body: nil, contentType: nil, extraHeaders: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(try await browser.get("/public/app.js").headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(try await browser.get("/public/missing.css").status == .notFound)
            #expect(try await browser.get("/public/../Templates/layout.mustache").status == .notFound)
        }
    }
}
