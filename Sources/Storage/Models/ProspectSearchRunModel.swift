import FluentKit
import Foundation

/// One run of a discovery search with the job's cursor. Progress is written with SQL in the
/// transaction that stores a page's results (`ProspectSearchRepository.addResults`); the model
/// serves reads and the status changes.
final class ProspectSearchRunModel: Model, @unchecked Sendable {
    static let schema = "prospect_search_runs"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "search_id") var searchID: UUID?
    /// `ProspectSearchCriteria` as JSON.
    @Field(key: "criteria_json") var criteriaJSON: String
    @Field(key: "status") var status: String
    @Field(key: "is_scheduled") var isScheduled: Bool
    @Field(key: "queries_total") var queriesTotal: Int
    @Field(key: "queries_done") var queriesDone: Int
    @Field(key: "next_page") var nextPage: Int
    @Field(key: "found") var found: Int
    @Field(key: "imported") var imported: Int
    @Field(key: "lookups_wanted") var lookupsWanted: Int
    @Field(key: "lookups_done") var lookupsDone: Int
    @OptionalField(key: "error") var error: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}
}
