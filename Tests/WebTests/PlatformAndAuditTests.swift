import Domain
import Foundation
import HummingbirdTesting
import Observability
import Storage
import Testing
@testable import Web

@Suite struct PlatformAndAuditTests {
    @Test func superAdminSeesEveryTenantReadOnly() async throws {
        try await TestApp.run { app, client in
            try await Flows.signUp(Browser(client), email: "anna@a.ru", company: "Альфа")
            try await Flows.signUp(Browser(client), email: "owen@b.ru", company: "Бета")
            let hash = try await app.services.hasher.hash(Flows.password)
            _ = try await app.services.users.createSuperAdmin(email: EmailAddress("root@platform.ru")!, fullName: "Root", passwordHash: hash, locale: .en)
            let root = Browser(client)
            let login = try await Flows.logIn(root, email: "root@platform.ru")
            #expect(login.location == "/admin/tenants")
            let console = try await root.get("/admin/tenants")
            #expect(console.status == .ok)
            #expect(console.text.contains("Альфа") && console.text.contains("Бета"))
            let companyID = try #require(try await app.services.users.credentialsForSignIn(email: EmailAddress("anna@a.ru")!)?.user.companyID)
            let tenant = try await root.get("/admin/tenants/\(companyID.uuidString)")
            #expect(tenant.status == .ok)
            #expect(tenant.text.contains("anna@a.ru"))
            #expect(!tenant.text.contains("owen@b.ru"))
            #expect(try await root.get("/admin/tenants/\(UUID().uuidString)").status == .notFound)
            let audit = try await root.get("/audit")
            #expect(audit.text.contains("anna@a.ru") && audit.text.contains("owen@b.ru"), "the platform reads every tenant's trail")
            #expect(try await root.post("/users", [("full_name", "x"), ("email", "x@a.ru"), ("role", "viewer"), ("temporary_password", "xxxxxxxxxxxx")], tokenFrom: "/audit").status == .notFound,
                    "the platform scope changes no tenant")
        }
    }

    @Test func theSuperAdminSetsATenantsMonthlyQuotaAndItIsAudited() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@a.ru", company: "Альфа")
            try await Flows.signUp(Browser(client), email: "owen@b.ru", company: "Бета")
            let member = try await InboxFixtures.member(app, email: "anna@a.ru")
            let owen = try await InboxFixtures.member(app, email: "owen@b.ru")
            let root = try await ClientFixtures.superAdmin(app, client)
            let tenantPath = "/admin/tenants/\(member.companyID.uuidString)"
            let page = try await root.get(tenantPath)
            #expect(page.text.contains("action=\"\(tenantPath)/quota\""))
            #expect(page.text.contains("name=\"monthly_limit\""))
            #expect(page.text.contains("value=\"\(EnrichmentQuota.defaultMonthlyLimit)\""), "the current limit is filled in")

            // Not a number: a field error, nothing changed.
            let wrong = try await root.post("\(tenantPath)/quota", [("monthly_limit", "много")], tokenFrom: tenantPath)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains(InboxFixtures.html(app, "validation_quota_limit", .ru)))
            #expect(wrong.text.contains("value=\"много\""))
            #expect(try await app.services.enrichmentQuota.quota(companyID: member.companyID).limit == EnrichmentQuota.defaultMonthlyLimit)

            let saved = try await root.post("\(tenantPath)/quota", [("monthly_limit", "2 500")], tokenFrom: tenantPath)
            #expect(saved.status == .seeOther && saved.location == tenantPath)
            #expect(try await app.services.enrichmentQuota.quota(companyID: member.companyID).limit == 2_500)
            #expect(try await app.services.enrichmentQuota.quota(companyID: owen.companyID).limit == EnrichmentQuota.defaultMonthlyLimit, "one tenant only")
            let after = try await root.get(tenantPath)
            #expect(after.text.contains("value=\"2500\""))
            #expect(after.text.contains(InboxFixtures.html(app, "flash_quota_saved", .ru)))
            let events = try await app.services.auditTrail.list(.tenant(member), filter: AuditFilter(kind: PlatformController.quotaAuditKind), page: 1, pageSize: 10).events
            let event = try #require(events.first)
            #expect(events.count == 1)
            #expect(event.companyID == member.companyID && event.actor == "root@platform.ru")
            #expect(event.details["from"] == "1000" && event.details["to"] == "2500")

            // Nobody else may: the tenant's own owner gets a 404, as for every console page.
            let forbidden = try await anna.post("\(tenantPath)/quota", [("monthly_limit", "999999")], tokenFrom: "/dashboard")
            #expect(forbidden.status == .notFound)
            #expect(try await app.services.enrichmentQuota.quota(companyID: member.companyID).limit == 2_500)
            #expect(try await root.post("/admin/tenants/\(UUID().uuidString)/quota", [("monthly_limit", "5")], tokenFrom: tenantPath).status == .notFound)
        }
    }

    @Test func everyRequestIsAuditedWithSecretsMasked() async throws {
        try await TestApp.run { app, client in
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@a.ru")
            try await Flows.addUser(anna, email: "boris@a.ru")
            let scope = try #require(try await app.services.users.credentialsForSignIn(email: EmailAddress("anna@a.ru")!)?.user.scope)
            let page = try await app.services.auditTrail.list(scope, filter: AuditFilter(), page: 1, pageSize: 200)
            let kinds = Set(page.events.map(\.kind))
            #expect(kinds.isSuperset(of: ["http.request", "account.signed_up", "user.added"]))
            let signup = try #require(page.events.first { $0.kind == "http.request" && $0.path == "/signup" && $0.method == "POST" })
            #expect(signup.status == 303)
            #expect(signup.actor == "anna@a.ru", "the request that signed the user in is attributed to them")
            #expect(signup.details["form.password"] == "***")
            #expect(signup.details["form.csrf_token"] == "***")
            #expect(signup.details["form.company_name"] == "ООО Ромашка")
            let everything = page.events.flatMap { $0.details.values }.joined(separator: " ")
            #expect(!everything.contains(Flows.password))
            #expect(!everything.contains("temporary password 1"))

            let html = try await anna.get("/audit?kind=user.added")
            #expect(html.status == .ok)
            #expect(html.text.contains("user.added"))
            #expect(!html.text.contains("account.signed_up"), "the filter applies")
        }
    }

    @Test func tenantsReadOnlyTheirOwnAuditTrail() async throws {
        try await TestApp.run { app, client in
            try await Flows.signUp(Browser(client), email: "anna@a.ru", company: "A")
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "B")
            let page = try await owen.get("/audit")
            #expect(page.text.contains("owen@b.ru"))
            #expect(!page.text.contains("anna@a.ru"))
        }
    }

    @Test func operationsEndpoints() async throws {
        try await TestApp.run { app, client in
            let browser = Browser(client)
            #expect(try await browser.get("/healthz").status == .ok)
            #expect(try await browser.get("/readyz").status == .ok)
            try await browser.get("/login")
            let metrics = try await browser.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("smartysales_jobs"))
            #expect(metrics.text.contains("http_requests_total") || metrics.text.contains("http.server") || metrics.text.contains("hb_requests"), "request metrics present")
        }
    }
}
