import Domain
import Testing

@Suite struct ValidationTests {
    @Test(arguments: ["anna@example.ru", " Anna.Petrova@Example.RU ", "a+b@mail.co.uk", "x@xn--80ak6aa92e.com"])
    func acceptsPlausibleAddresses(_ raw: String) {
        #expect(EmailAddress(raw) != nil)
    }

    @Test(arguments: ["", "anna", "anna@", "@example.ru", "anna@example", "an na@example.ru", "a@b@c.ru", "anna@-bad.ru", "anna@example..ru"])
    func rejectsBrokenAddresses(_ raw: String) {
        #expect(EmailAddress(raw) == nil)
    }

    @Test func addressesAreStoredLowerCased() {
        #expect(EmailAddress("Anna@Example.RU")?.value == "anna@example.ru")
    }

    @Test func passwordRulesSayWhichFieldIsWrong() {
        var errors = FieldErrors()
        FormRules.newPassword("short", confirmation: "short", field: "password", confirmationField: "confirm", into: &errors)
        #expect(errors["password"] == "validation_password_length")

        errors = FieldErrors()
        FormRules.newPassword("long enough password", confirmation: "different password", field: "password", confirmationField: "confirm", into: &errors)
        #expect(errors["confirm"] == "validation_password_mismatch")
        #expect(errors["password"] == nil)

        errors = FieldErrors()
        FormRules.newPassword(String(repeating: "й", count: 40), confirmation: nil, field: "password", confirmationField: "confirm", into: &errors)
        #expect(errors["password"] == "validation_password_length", "80 bytes exceed what BCrypt reads")
    }

    @Test func requiredTextIsTrimmedAndBounded() {
        var errors = FieldErrors()
        #expect(FormRules.requireText("  ООО Ромашка  ", field: "name", maxLength: 20, into: &errors) == "ООО Ромашка")
        #expect(errors.isEmpty)
        _ = FormRules.requireText("   ", field: "name", maxLength: 20, into: &errors)
        #expect(errors["name"] == "validation_required")
        errors = FieldErrors()
        _ = FormRules.requireText(String(repeating: "x", count: 21), field: "name", maxLength: 20, into: &errors)
        #expect(errors["name"] == "validation_too_long")
    }

    @Test func localeFromAcceptLanguage() {
        #expect(AppLocale.preferred(fromAcceptLanguage: "en-GB,en;q=0.9,ru;q=0.8") == .en)
        #expect(AppLocale.preferred(fromAcceptLanguage: "de-DE,ru;q=0.5,en;q=0.4") == .ru)
        #expect(AppLocale.preferred(fromAcceptLanguage: "de-DE") == .ru)
        #expect(AppLocale.preferred(fromAcceptLanguage: nil) == .ru)
    }
}
