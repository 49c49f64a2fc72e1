import Domain
import Foundation
import HummingbirdTesting
@testable import Web

/// Steps several tests share, written as a user performs them.
enum Flows {
    static let password = "correct horse battery"

    @discardableResult
    static func signUp(_ browser: Browser, email: String, company: String = "ООО Ромашка", name: String = "Анна Петрова", locale: String = "ru") async throws -> TestResponse {
        try await browser.post("/signup", [
            ("full_name", name), ("email", email), ("password", password), ("password_confirm", password),
            ("company_name", company), ("company_description", "Оптовые поставки цветов"), ("locale", locale),
        ], tokenFrom: "/signup")
    }

    @discardableResult
    static func logIn(_ browser: Browser, email: String, password: String = Flows.password, remember: Bool = false) async throws -> TestResponse {
        var fields = [("email", email), ("password", password)]
        if remember { fields.append(("remember_me", "1")) }
        return try await browser.post("/login", fields, tokenFrom: "/login")
    }

    @discardableResult
    static func addUser(_ browser: Browser, email: String, role: String = "manager", temporaryPassword: String = "temporary password 1") async throws -> TestResponse {
        try await browser.post("/users", [("full_name", "Борис Иванов"), ("email", email), ("role", role), ("temporary_password", temporaryPassword)], tokenFrom: "/users")
    }
}
