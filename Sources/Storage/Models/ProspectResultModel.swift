import FluentKit
import Foundation

/// A company a discovery run found. Rows are inserted with SQLKit in batches (`ON CONFLICT DO
/// NOTHING` on the run and INN) and pages are read with SQL joined to `clients`; the model
/// names the table and its columns in one place.
final class ProspectResultModel: Model, @unchecked Sendable {
    static let schema = "prospect_results"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "run_id") var runID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "inn") var inn: String
    @Field(key: "name") var name: String
    @OptionalField(key: "region_code") var regionCode: String?
    @OptionalField(key: "okved_code") var okvedCode: String?
    @OptionalField(key: "revenue") var revenue: Int64?
    @OptionalField(key: "headcount") var headcount: Int?
    @OptionalField(key: "company_status") var companyStatus: String?
    /// `CompanyRecord` as JSON.
    @Field(key: "record_json") var recordJSON: String
    /// A range needed a figure the provider did not give, even after a lookup (or the run's
    /// lookups were used up): not imported by "import all".
    @Field(key: "not_checked") var notChecked: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
