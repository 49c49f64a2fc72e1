import Domain
import Foundation

extension TenantScope {
    /// The one company a per-tenant read may look at: the member's own, or the one the platform
    /// scope names. A member naming another company, or the platform naming none, finds nothing.
    func company(lookingAt requested: UUID?) throws -> UUID {
        guard let company = companyID ?? requested else { throw StorageError.notFound }
        if let requested, requested != company { throw StorageError.notFound }
        return company
    }
}
