import FluentKit
import Foundation

/// A saved discovery search. The repository (`ProspectSearchRepository`) reads and writes it
/// through this model; the criteria are JSON text.
final class ProspectSearchModel: Model, @unchecked Sendable {
    static let schema = "prospect_searches"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "name") var name: String
    /// `ProspectSearchCriteria` as JSON.
    @Field(key: "criteria_json") var criteriaJSON: String
    @OptionalField(key: "repeat_every_days") var repeatEveryDays: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "last_run_at") var lastRunAt: Date?
    @OptionalField(key: "last_run_id") var lastRunID: UUID?

    init() {}
}
