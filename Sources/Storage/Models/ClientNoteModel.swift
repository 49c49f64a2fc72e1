import FluentKit
import Foundation

/// A tenant's private note on a client. Only `ClientNoteRepository` touches it, and that takes a
/// `TenantMember` in every method.
final class ClientNoteModel: Model, @unchecked Sendable {
    static let schema = "client_notes"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "client_id") var clientID: UUID
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
