import FluentKit
import Foundation

/// One client billed against the monthly enrichment quota. Inserted with SQLKit in the
/// transaction that stores the enrichment (`ClientRepository.storeEnrichment`); the model serves reads.
final class EnrichmentChargeModel: Model, @unchecked Sendable {
    static let schema = "enrichment_charges"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    /// `nil` once the client is removed; the charge still counts.
    @OptionalField(key: "client_id") var clientID: UUID?
    @Field(key: "inn") var inn: String
    @Field(key: "client_name") var clientName: String
    @Field(key: "period") var period: String
    @Field(key: "source") var source: String
    @Field(key: "reason") var reason: String
    @Field(key: "charged_at") var chargedAt: Date

    init() {}
}
