import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
@testable import Web

/// Properties that must hold for every route, enumerated from the router itself so a route
/// added tomorrow is covered without anyone editing these tests.
@Suite struct RouteMatrixTests {
    static func concrete(_ path: String, id: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") || $0.hasPrefix(":") ? Substring(id) : $0 }
            .joined(separator: "/")
    }

    @Test func everyMutatingRouteRefusesARequestWithoutCSRFToken() async throws {
        try await TestApp.run { app, client in
            let browser = Browser(client)
            try await Flows.signUp(browser, email: "anna@romashka.ru")
            let mutating = app.routes.filter { $0.method != .get && $0.method != .head }
            #expect(mutating.count >= 15, "found only \(mutating.map(\.description))")
            for route in mutating {
                let path = Self.concrete(route.path, id: UUID().uuidString)
                let response = try await browser.send(path, method: route.method, body: "full_name=x&locale=en", contentType: "application/x-www-form-urlencoded")
                #expect(response.status == .forbidden, "\(route.method) \(path) answered \(response.status) without a CSRF token")
                let forged = try await browser.send(path, method: route.method, body: "csrf_token=forged&locale=en", contentType: "application/x-www-form-urlencoded")
                #expect(forged.status == .forbidden, "\(route.method) \(path) accepted a forged token")
            }
            // Control: the same session with its real token gets past the check.
            let accepted = try await browser.post("/locale", [("locale", "en"), ("return_to", "/dashboard")], tokenFrom: "/dashboard")
            #expect(accepted.status == .seeOther)
        }
    }

    @Test func everyRouteWithAnIdAnswers404ForAnotherTenantsIds() async throws {
        try await TestApp.run { app, client in
            // Tenant A with one of everything an id can name.
            let anna = Browser(client)
            try await Flows.signUp(anna, email: "anna@a.ru", company: "A")
            try await Flows.addUser(anna, email: "boris@a.ru")
            let annaUser = try #require(try await app.services.users.credentialsForSignIn(email: EmailAddress("anna@a.ru")!)?.user)
            let companyA = try #require(annaUser.companyID)
            let usersA = try await app.services.users.list(annaUser.scope!)
            let jobA = try await app.services.jobs.enqueue(NewJob(kind: "diagnostics.probe", companyID: companyA, maxAttempts: 1))
            _ = try await app.services.jobs.claim(worker: "w", lease: 30)
            try await app.services.jobs.fail(jobA, worker: "w", error: "x")
            // …and of the inbox: a mailbox, a stored message, a category.
            let memberA = try #require(annaUser.scope?.member)
            let mailboxA = try await InboxFixtures.gmailMailbox(app, memberA, address: "sales@a.ru")
            let messageA = try #require(try await InboxFixtures.store(app, [InboxFixtures.message(1)], in: mailboxA).first)
            let categoryA = try #require(try await app.services.categories.list(.tenant(memberA)).first)
            // …a correction of that message (a training example with an id of its own).
            _ = try await app.services.classifications.correct(memberA, messageID: messageA.id, categoryID: categoryA.id)
            let correctionA = try #require(try await app.services.classifications.corrections(.tenant(memberA)).first)
            // …and an LLM provider with its key.
            let llmA = try await app.services.llmProviders.save(
                memberA, id: nil, try TenantLLMProviderDraft(provider: .openAI, model: "gpt-4.1-mini").validated(), apiKey: "sk-route-matrix-0123456789")
            // …and of the prospects pillar: a client with a note, a company-data provider with its key.
            let clientA = try await ClientFixtures.client(app, memberA, name: "Клиент А", inn: ClientFixtures.inn(1))
            let noteA = try await app.services.clientNotes.add(memberA, clientID: clientA.id, body: "Заметка А")
            let dataProviderA = try await app.services.companyDataProviders.save(
                memberA, id: nil, kind: .daData, baseURL: nil, isEnabled: true, apiKey: "dadata-route-matrix-0123456789")
            // …and of discovery: a saved search and a run of it with a result.
            let searchA = try await app.services.prospectSearches.saveSearch(
                memberA, name: "Поиск А", criteria: ProspectSearchCriteria(okvedCodes: ["62.01"]), repeatEveryDays: 7)
            let runA = try await app.services.prospectSearches.createRun(memberA, criteria: searchA.criteria, searchID: searchA.id)
            try await app.services.prospectSearches.addResults(
                [ProspectSearchRepository.Found(record: ClientFixtures.record(inn: ClientFixtures.inn(2), name: "Найденная А"), matchedOKVED: "62.01",
                                                matchedRegion: nil)],
                runID: runA.id, companyID: companyA, progress: ProspectSearchRepository.Progress(queriesDone: 1, nextPage: 1))
            let resultsA = try await app.services.prospectSearches.results(.tenant(memberA), runID: runA.id)
            let resultA = try #require(resultsA.results.first)
            let idsOfA = [companyA, jobA, mailboxA.id, messageA.id, categoryA.id, correctionA.id, llmA.id, clientA.id, noteA.id, dataProviderA.id, searchA.id, runA.id,
                          resultA.id] + usersA.map(\.id)

            // Tenant B, signed in as its owner.
            let owen = Browser(client)
            try await Flows.signUp(owen, email: "owen@b.ru", company: "B")
            try await owen.get("/dashboard")

            let withID = app.routes.filter { $0.path.description.contains("{") || $0.path.description.contains(":") }
            #expect(withID.count >= 20, "found only \(withID.map(\.description))")
            for route in withID {
                for id in idsOfA {
                    let path = Self.concrete(route.path, id: id.uuidString)
                    let response: TestResponse = if route.method == .get {
                        try await owen.get(path)
                    } else {
                        try await owen.post(path, [("role", "viewer"), ("temporary_password", "another password 1")], tokenFrom: "/dashboard")
                    }
                    #expect(response.status == .notFound, "B got \(response.status) for \(route.method) \(path)")
                }
                let malformed = Self.concrete(route.path, id: "not-a-uuid")
                let response: TestResponse = route.method == .get ? try await owen.get(malformed) : try await owen.post(malformed, [], tokenFrom: "/dashboard")
                #expect(response.status == .notFound, "malformed id on \(route.method) \(malformed) gave \(response.status)")
            }

            // Control: tenant A's owner reaches its own rows through the same routes, so the 404s
            // above come from isolation, not from routes that answer 404 to everyone.
            let borisID = try #require(usersA.first { $0.email.value == "boris@a.ru" }?.id)
            #expect(try await anna.post("/users/\(borisID.uuidString)/role", [("role", "viewer")], tokenFrom: "/users").status == .seeOther)
            #expect(try await anna.post("/jobs/\(jobA.uuidString)/retry", [], tokenFrom: "/jobs").status == .seeOther)
            #expect(try await app.services.users.find(borisID, scope: annaUser.scope!).role == .viewer)
            #expect(try await anna.get("/inbox/\(messageA.id.uuidString)").status == .ok)
            #expect(try await anna.get("/mailboxes/\(mailboxA.id.uuidString)/edit").status == .ok)
            #expect(try await anna.get("/mailboxes/\(mailboxA.id.uuidString)/remove").status == .ok)
            #expect(try await anna.get("/categories/\(categoryA.id.uuidString)/edit").status == .ok)
            #expect(try await anna.post("/categories/\(categoryA.id.uuidString)/move", [("direction", "down")], tokenFrom: "/categories").status == .seeOther)
            #expect(try await anna.post("/categories/corrections/\(correctionA.id.uuidString)/delete", [], tokenFrom: "/categories").status == .seeOther)
            #expect(try await app.services.classifications.corrections(.tenant(memberA)).isEmpty, "B's attempts deleted nothing; A's delete did")
            #expect(try await anna.post("/mailboxes/\(mailboxA.id.uuidString)/pause", [], tokenFrom: "/mailboxes").status == .seeOther)
            #expect(try await anna.get("/settings/llm/\(llmA.id.uuidString)/edit").status == .ok)
            #expect(try await anna.post("/settings/llm/\(llmA.id.uuidString)/move", [("direction", "down")], tokenFrom: "/settings/llm").status == .seeOther)
            let clientPath = "/clients/\(clientA.id.uuidString)"
            #expect(try await anna.get(clientPath).status == .ok)
            #expect(try await anna.post("\(clientPath)/status", [("status", "contacted")], tokenFrom: clientPath).status == .seeOther)
            #expect(try await anna.post("\(clientPath)/enrich", [], tokenFrom: clientPath).status == .seeOther)
            #expect(try await anna.post("\(clientPath)/notes/\(noteA.id.uuidString)/delete", [], tokenFrom: clientPath).status == .seeOther)
            #expect(try await anna.get("/settings/company-data/\(dataProviderA.id.uuidString)/edit").status == .ok)
            #expect(try await app.services.clients.find(clientA.id, scope: .tenant(memberA)).status == .contacted)
            #expect(try await app.services.clientNotes.list(memberA, clientID: clientA.id).isEmpty)
            let runPath = "/prospects/runs/\(runA.id.uuidString)"
            let runPage = try await anna.get(runPath)
            #expect(runPage.status == .ok)
            let runProgress = try await anna.get("\(runPath)/progress.json")
            #expect(runProgress.status == .ok)
            let imported = try await anna.post("\(runPath)/import", [("all", "1")], tokenFrom: runPath)
            #expect(imported.location == "/clients?run=\(runA.id.uuidString)")
            let importedClients = try await app.services.clients.list(.tenant(memberA), ClientListQuery(text: ClientFixtures.inn(2)))
            #expect(importedClients.totalCount == 1, "B's attempts imported nothing; A's import did")
            let rerun = try await anna.post("/prospects/searches/\(searchA.id.uuidString)/run", [], tokenFrom: "/prospects/searches")
            #expect(rerun.status == .seeOther)
            let deleted = try await anna.post("/prospects/searches/\(searchA.id.uuidString)/delete", [], tokenFrom: "/prospects/searches")
            #expect(deleted.location == "/prospects/searches")
        }
    }
}
