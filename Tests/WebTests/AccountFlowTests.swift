import Domain
import Foundation
import HummingbirdTesting
import Storage
import Testing
@testable import Web

@Suite struct AccountFlowTests {
    @Test func signUpSignsInAndLandsOnTheDashboard() async throws {
        try await TestApp.run { app, client in
            let browser = Browser(client)
            let response = try await Flows.signUp(browser, email: "anna@romashka.ru")
            #expect(response.status == .seeOther)
            #expect(response.location == "/dashboard")
            let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("ss_session=") } ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(!setCookie.contains("Secure"), "plain HTTP must not mark cookies Secure")
            let dashboard = try await browser.get("/dashboard")
            #expect(dashboard.status == .ok)
            #expect(dashboard.text.contains("Анна Петрова"))
            #expect(dashboard.text.contains("ООО Ромашка"))
        }
    }

    @Test func validationErrorsKeepWhatTheUserTyped() async throws {
        try await TestApp.run { app, client in
            let browser = Browser(client)
            let response = try await browser.post("/signup", [
                ("full_name", "Анна"), ("email", "not-an-email"), ("password", "short"), ("password_confirm", "short"),
                ("company_name", "ООО Ромашка"), ("company_description", "Описание"), ("locale", "ru"),
            ], tokenFrom: "/signup")
            #expect(response.status == .unprocessableContent)
            let page = response.text
            #expect(page.contains("value=\"not-an-email\""))
            #expect(page.contains("ООО Ромашка"))
            #expect(page.contains(app.services.renderer.localizer.text("validation_email", .ru)))
            #expect(page.contains(app.services.renderer.localizer.text("validation_password_length", .ru)))
            #expect(!page.contains("value=\"short\""), "passwords are never sent back")
        }
    }

    @Test func aDuplicateEmailIsAFieldError() async throws {
        try await TestApp.run { app, client in
            try await Flows.signUp(Browser(client), email: "anna@romashka.ru")
            let response = try await Flows.signUp(Browser(client), email: "Anna@Romashka.ru", company: "Другая")
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(app.services.renderer.localizer.text("validation_email_taken", .ru)))
        }
    }

    @Test func wrongPasswordsAreThrottledPerAccount() async throws {
        try await TestApp.run { app, client in
            try await Flows.signUp(Browser(client), email: "anna@romashka.ru")
            let browser = Browser(client)
            for _ in 0..<5 {
                let response = try await Flows.logIn(browser, email: "anna@romashka.ru", password: "wrong password!")
                #expect(response.status == .unauthorized)
                #expect(response.text.contains(app.services.renderer.localizer.text("login_invalid", .ru)))
            }
            let blocked = try await Flows.logIn(browser, email: "anna@romashka.ru")
            #expect(blocked.status == .tooManyRequests, "even the right password waits out the throttle")
            #expect(blocked.text.contains(app.services.renderer.localizer.text("login_throttled", .ru)))
        }
    }

    @Test func rememberMeSurvivesALostSessionAndRotates() async throws {
        try await TestApp.run { app, client in
            try await Flows.signUp(Browser(client), email: "anna@romashka.ru")
            let browser = Browser(client)
            let login = try await Flows.logIn(browser, email: "anna@romashka.ru", remember: true)
            #expect(login.location == "/dashboard")
            let rememberCookie = try #require(browser.cookies["ss_remember"])
            let header = login.headers[values: .setCookie].first { $0.hasPrefix("ss_remember=") } ?? ""
            #expect(header.contains("Max-Age=2592000"), "valid 30 days")

            // The server restarts / the session expires: only the remember cookie is left.
            browser.cookies["ss_session"] = nil
            let page = try await browser.get("/dashboard")
            #expect(page.status == .ok)
            #expect(browser.cookies["ss_session"] != nil)
            let rotated = try #require(browser.cookies["ss_remember"])
            #expect(rotated != rememberCookie)

            // Someone replays the old cookie: every token of the user is revoked.
            let thief = Browser(client)
            thief.cookies["ss_remember"] = rememberCookie
            #expect(try await thief.get("/dashboard").location == "/login")
            browser.cookies["ss_session"] = nil
            #expect(try await browser.get("/dashboard").location == "/login", "the rotated token died too")
        }
    }

    @Test func aColleagueAddedByTheOwnerMustChooseAPassword() async throws {
        try await TestApp.run { app, client in
            let owner = Browser(client)
            try await Flows.signUp(owner, email: "anna@romashka.ru")
            let added = try await Flows.addUser(owner, email: "boris@romashka.ru")
            #expect(added.location == "/users")
            #expect(try await owner.get("/users").text.contains("boris@romashka.ru"))

            let boris = Browser(client)
            let login = try await Flows.logIn(boris, email: "boris@romashka.ru", password: "temporary password 1")
            #expect(login.location == "/account")
            #expect(try await boris.get("/dashboard").location == "/account", "nothing else until the password changes")
            let change = try await boris.post("/account/password", [
                ("current_password", "temporary password 1"), ("new_password", "boris own password"), ("new_password_confirm", "boris own password"),
            ], tokenFrom: "/account")
            #expect(change.location == "/dashboard")
            #expect(try await boris.get("/dashboard").status == .ok)
        }
    }

    @Test func deactivatedUsersAreSignedOutAtOnce() async throws {
        try await TestApp.run { app, client in
            let owner = Browser(client)
            try await Flows.signUp(owner, email: "anna@romashka.ru")
            try await Flows.addUser(owner, email: "boris@romashka.ru")
            let boris = Browser(client)
            try await Flows.logIn(boris, email: "boris@romashka.ru", password: "temporary password 1")
            let users = try await app.services.users.list(try #require(app.services.users.credentialsForSignIn(email: EmailAddress("anna@romashka.ru")!)?.user.scope))
            let borisID = try #require(users.first { $0.email.value == "boris@romashka.ru" }?.id)
            let response = try await owner.post("/users/\(borisID.uuidString)/deactivate", [], tokenFrom: "/users")
            #expect(response.location == "/users")
            #expect(try await boris.get("/account").location == "/login")
            #expect(try await Flows.logIn(Browser(client), email: "boris@romashka.ru", password: "temporary password 1").status == .forbidden)
        }
    }

    @Test func switchingLanguageChangesEveryPage() async throws {
        try await TestApp.run { app, client in
            let browser = Browser(client)
            try await Flows.signUp(browser, email: "anna@romashka.ru")
            let russian = try await browser.get("/users")
            #expect(russian.text.contains(app.services.renderer.localizer.text("title_users", .ru)))
            let switched = try await browser.post("/locale", [("locale", "en"), ("return_to", "/users")], tokenFrom: "/users")
            #expect(switched.location == "/users")
            let english = try await browser.get("/users")
            #expect(english.text.contains("lang=\"en\""))
            #expect(english.text.contains(app.services.renderer.localizer.text("title_users", .en)))
            let redirect = try await browser.post("/locale", [("locale", "ru"), ("return_to", "//evil.example/")], tokenFrom: "/users")
            #expect(redirect.location == "/", "never an open redirect")
        }
    }

    @Test func secondFactorProtectsSignIn() async throws {
        try await TestApp.run { app, client in
            let browser = Browser(client)
            try await Flows.signUp(browser, email: "anna@romashka.ru")
            let setup = try await browser.get("/account/2fa")
            #expect(setup.status == .ok)
            let stored = try #require(try await app.services.users.credentialsForSignIn(email: EmailAddress("anna@romashka.ru")!))
            let secret = try app.services.secretBox.open(try #require(stored.sealedTOTPSecret))
            #expect(!setup.text.contains(secret), "the raw secret is never in the page; only its base32 form")
            let wrong = try await browser.post("/account/2fa/enable", [("code", "000000")])
            #expect(wrong.status == .unprocessableContent)
            let enabled = try await browser.post("/account/2fa/enable", [("code", app.services.totp.code(secret: secret, at: Date()))], tokenFrom: "/account/2fa")
            #expect(enabled.status == .ok)
            let codes = enabled.text.matches(of: /<code>([a-z2-9]{5}-[a-z2-9]{5})<\/code>/).map { String($0.output.1) }
            #expect(codes.count == 10)

            let other = Browser(client)
            let first = try await Flows.logIn(other, email: "anna@romashka.ru")
            #expect(first.location == "/login/2fa")
            #expect(try await other.get("/dashboard").location == "/login", "half-signed-in grants nothing")
            let bad = try await other.post("/login/2fa", [("code", "123456")], tokenFrom: "/login/2fa")
            #expect(bad.status == .unauthorized)
            let good = try await other.post("/login/2fa", [("code", codes[0])], tokenFrom: "/login/2fa")
            #expect(good.location == "/dashboard", "a recovery code works once")
            #expect(try await other.get("/dashboard").status == .ok)

            let third = Browser(client)
            try await Flows.logIn(third, email: "anna@romashka.ru")
            let reused = try await third.post("/login/2fa", [("code", codes[0])], tokenFrom: "/login/2fa")
            #expect(reused.status == .unauthorized)
            let totp = try await third.post("/login/2fa", [("code", app.services.totp.code(secret: secret, at: Date()))], tokenFrom: "/login/2fa")
            #expect(totp.location == "/dashboard")
        }
    }
}
