import FluentKit
import Foundation

/// A tenant's client. Rows are inserted with SQLKit (see `ClientRepository.create` and
/// `importRecords`) and the list reads plain columns with SQL; the model serves the card.
final class ClientModel: Model, @unchecked Sendable {
    static let schema = "clients"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "inn") var inn: String
    @Field(key: "name") var name: String
    @Field(key: "name_search") var nameSearch: String
    @Field(key: "status") var status: String
    @Field(key: "enrichment") var enrichment: String
    @OptionalField(key: "enrichment_error") var enrichmentError: String?
    @OptionalField(key: "region_code") var regionCode: String?
    @OptionalField(key: "okved_code") var okvedCode: String?
    @OptionalField(key: "revenue") var revenue: Int64?
    @OptionalField(key: "headcount") var headcount: Int?
    @Field(key: "origin") var origin: String
    /// `CompanyRecord` as JSON.
    @Field(key: "record_json") var recordJSON: String
    /// `ClientContacts` as JSON.
    @Field(key: "contacts_json") var contactsJSON: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "enriched_at") var enrichedAt: Date?

    init() {}
}
