import Domain
import FluentKit
import Foundation

/// The only place models turn into Domain values; nothing outside Storage sees a model.
extension CompanyModel {
    func toDomain() throws -> Company {
        Company(id: try requireID(), name: name, description: description,
                defaultLocale: AppLocale(rawValue: defaultLocale) ?? .fallback, createdAt: createdAt)
    }
}

extension UserModel {
    func toDomain() throws -> User {
        guard let address = EmailAddress(email) else { throw StorageError.corruptRow("users.email") }
        return User(
            id: try requireID(), companyID: companyID, fullName: fullName, email: address,
            role: role.flatMap(Role.init(rawValue:)), platformRole: platformRole.flatMap(PlatformRole.init(rawValue:)),
            locale: AppLocale(rawValue: locale) ?? .fallback, isActive: isActive,
            mustChangePassword: mustChangePassword, totpEnabled: totpEnabled,
            lastLoginAt: lastLoginAt, createdAt: createdAt)
    }
}

extension JobModel {
    func toDomain() throws -> Job {
        Job(id: try requireID(), kind: kind, companyID: companyID, payload: payload,
            status: JobStatus(rawValue: status) ?? .queued, runAt: runAt, attempts: attempts,
            maxAttempts: maxAttempts, lastError: lastError, lockedBy: lockedBy, lockedUntil: lockedUntil,
            createdAt: createdAt, updatedAt: updatedAt)
    }
}
