import FluentKit
import Foundation

final class CompanyModel: Model, @unchecked Sendable {
    static let schema = "companies"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "default_locale") var defaultLocale: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
