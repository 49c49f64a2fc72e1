import Foundation

/// Form rules for INN and OGRN fields. A wrong length or a stray letter and a failed check digit
/// get different messages: the first means "not this kind of number", the second "a typo".
extension FormRules {
    /// An INN of a legal entity (10 digits) or of a person or sole proprietor (12).
    public static func inn(_ value: String, field: String, into errors: inout FieldErrors) -> RussianCompanyNumber? {
        companyNumber(value, field: field, kinds: [.inn10, .inn12], wrongKindKey: "validation_inn", into: &errors)
    }

    /// An OGRN (13 digits) or OGRNIP (15).
    public static func ogrn(_ value: String, field: String, into errors: inout FieldErrors) -> RussianCompanyNumber? {
        companyNumber(value, field: field, kinds: [.ogrn, .ogrnip], wrongKindKey: "validation_ogrn", into: &errors)
    }

    private static func companyNumber(_ value: String, field: String, kinds: Set<RussianCompanyNumber.Kind>, wrongKindKey: String,
                                      into errors: inout FieldErrors) -> RussianCompanyNumber? {
        switch RussianCompanyNumber.parse(value) {
        case .success(let number) where kinds.contains(number.kind):
            return number
        case .success:
            errors.add(field, wrongKindKey)
        case .failure(.empty):
            errors.add(field, "validation_required")
        case .failure(.checksumMismatch(let kind, _, _)) where kinds.contains(kind):
            errors.add(field, "validation_company_number_checksum")
        case .failure:
            errors.add(field, wrongKindKey)
        }
        return nil
    }
}
