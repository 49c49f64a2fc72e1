import FluentKit
import Foundation

/// One entry of the cross-tenant company cache, keyed by INN. No `company_id`: public data only
/// (see `M0023CreateCompanyCache`). Written with an upsert (`CompanyCacheRepository.upsert`).
final class CompanyCacheModel: Model, @unchecked Sendable {
    static let schema = "company_cache"

    @ID(custom: "inn", generatedBy: .user) var id: String?
    /// `CompanyRecord` as JSON.
    @Field(key: "record_json") var recordJSON: String
    /// `ClientContacts` as JSON.
    @Field(key: "contacts_json") var contactsJSON: String
    @Field(key: "fetched_at") var fetchedAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
