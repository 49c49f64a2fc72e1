import Domain
import Foundation
import SQLKit
@testable import Storage
import TestSupport
import Testing

/// Notes on clients: the tenant's private data the platform may never read. Runs on the engine
/// `SMARTYSALES_TEST_DATABASE` names: `scripts/test` runs it on both.
@Suite struct ClientNoteStorageTests {
    @Test func notesAreListedNewestFirstWithTheirAuthors() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка", owner: "Анна Петрова")
            let ivan = try await world.users.add(anna, fullName: "Иван Сидоров", email: EmailAddress("ivan@romashka.ru")!, role: .manager,
                                                 passwordHash: "hash", locale: .ru)
            let ivanMember = try #require(ivan.scope?.member)
            let client = try await world.client(anna, "7707083893", name: "Ромашка")

            let first = try await world.notes.add(anna, clientID: client.id, body: "  Позвонить директору \n")
            #expect(first.body == "Позвонить директору" && first.authorID == anna.userID && first.authorName == "Анна Петрова")
            #expect(first.clientID == client.id && first.createdAt == world.clock.now())
            world.clock.advance(by: 60)
            let second = try await world.notes.add(ivanMember, clientID: client.id, body: "Прислали реквизиты")

            let notes = try await world.notes.list(anna, clientID: client.id)
            #expect(notes == [second, first])
            #expect(notes.map(\.authorName) == ["Иван Сидоров", "Анна Петрова"])
            let other = try await world.client(anna, "7702070139", name: "Лютик")
            let otherNotes = try await world.notes.list(anna, clientID: other.id)
            #expect(otherNotes.isEmpty, "notes belong to their client")

            // The author's id stays when the user is gone; the name goes with the user.
            try await db.sql.raw("DELETE FROM users WHERE id = \(bind: ivan.id)").run()
            let afterLeaving = try await world.notes.list(anna, clientID: client.id)
            #expect(afterLeaving.first?.authorID == ivan.id && afterLeaving.first?.authorName == nil)
            #expect(afterLeaving.first?.body == "Прислали реквизиты")

            try await world.notes.delete(anna, noteID: first.id)
            let remaining = try await world.notes.list(anna, clientID: client.id)
            #expect(remaining.map(\.id) == [second.id])
            await #expect(throws: StorageError.notFound) { try await world.notes.delete(anna, noteID: first.id) }
        }
    }

    @Test func anEmptyOrTooLongNoteIsAFieldError() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@romashka.ru", company: "Ромашка")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            await #expect(throws: FieldErrors(["body": "validation_required"])) {
                _ = try await world.notes.add(anna, clientID: client.id, body: " \n\t ")
            }
            await #expect(throws: FieldErrors(["body": "validation_too_long"])) {
                _ = try await world.notes.add(anna, clientID: client.id, body: String(repeating: "я", count: ClientNote.maximumLength + 1))
            }
            let longest = try await world.notes.add(anna, clientID: client.id, body: String(repeating: "я", count: ClientNote.maximumLength))
            #expect(longest.body.count == ClientNote.maximumLength, "the longest allowed note is kept whole")
            let stored = try await world.notes.list(anna, clientID: client.id)
            #expect(stored.map(\.id) == [longest.id], "the refused notes were not stored")
        }
    }

    @Test func anotherTenantsClientHasNoNotesToReadOrWrite() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let boris = try await world.tenant("boris@b.ru", company: "B")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            let note = try await world.notes.add(anna, clientID: client.id, body: "Только для своих")

            await #expect(throws: StorageError.notFound) { _ = try await world.notes.add(boris, clientID: client.id, body: "Чужая заметка") }
            await #expect(throws: StorageError.notFound) { _ = try await world.notes.list(boris, clientID: client.id) }
            await #expect(throws: StorageError.notFound) { try await world.notes.delete(boris, noteID: note.id) }
            await #expect(throws: StorageError.notFound) { _ = try await world.notes.list(anna, clientID: UUID()) }
            let annas = try await world.notes.list(anna, clientID: client.id)
            #expect(annas == [note], "nothing of the failed attempts happened")
        }
    }

    /// The platform scope cannot reach notes, and that is a compile-time fact: every method takes
    /// a `TenantMember`, and the platform scope has none to give. (A call with a `TenantScope`
    /// does not compile, so it cannot be written here; the signatures below pin the parameter type.)
    @Test func thePlatformScopeHasNoMemberToAskWith() async throws {
        try await TestDatabase.with { db in
            let world = ProspectsWorld(db)
            let platform = TenantScope.platform(userID: UUID())
            #expect(platform.member == nil)
            let list: (TenantMember, UUID) async throws -> [ClientNote] = { try await world.notes.list($0, clientID: $1) }
            let add: (TenantMember, UUID, String) async throws -> ClientNote = { try await world.notes.add($0, clientID: $1, body: $2) }
            let delete: (TenantMember, UUID) async throws -> Void = { try await world.notes.delete($0, noteID: $1) }
            _ = (list, add, delete)

            // The platform reads a tenant's clients, and that is all: no note is in what it gets.
            let anna = try await world.tenant("anna@a.ru", company: "A")
            let client = try await world.client(anna, "7707083893", name: "Ромашка")
            _ = try await world.notes.add(anna, clientID: client.id, body: "Только для своих")
            let card = try await world.clients.find(client.id, scope: platform)
            #expect(!String(reflecting: card).contains("Только для своих"))
        }
    }
}
