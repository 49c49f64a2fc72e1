import Foundation

/// Rules shared by every form that takes these kinds of values.
public enum FormRules {
    public static let minimumPasswordLength = 10
    /// BCrypt only reads the first 72 bytes; longer passwords would silently lose their tail.
    public static let maximumPasswordBytes = 72
    public static let maximumNameLength = 200
    public static let maximumDescriptionLength = 4_000

    public static func requireText(_ value: String, field: String, maxLength: Int, into errors: inout FieldErrors) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            errors.add(field, "validation_required")
        } else if trimmed.count > maxLength {
            errors.add(field, "validation_too_long")
        }
        return trimmed
    }

    public static func optionalText(_ value: String, field: String, maxLength: Int, into errors: inout FieldErrors) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count > maxLength { errors.add(field, "validation_too_long") }
        return trimmed
    }

    public static func email(_ value: String, field: String, into errors: inout FieldErrors) -> EmailAddress? {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add(field, "validation_required")
            return nil
        }
        guard let email = EmailAddress(value) else {
            errors.add(field, "validation_email")
            return nil
        }
        return email
    }

    public static func newPassword(_ value: String, confirmation: String?, field: String, confirmationField: String, into errors: inout FieldErrors) {
        if value.count < minimumPasswordLength || value.utf8.count > maximumPasswordBytes {
            errors.add(field, "validation_password_length")
        } else if let confirmation, confirmation != value {
            errors.add(confirmationField, "validation_password_mismatch")
        }
    }

    public static func locale(_ value: String, field: String, into errors: inout FieldErrors) -> AppLocale {
        guard let locale = AppLocale(rawValue: value) else {
            errors.add(field, "validation_locale")
            return .fallback
        }
        return locale
    }
}
