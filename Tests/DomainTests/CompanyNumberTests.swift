import Domain
import Foundation
import Testing

/// INN, OGRN and OGRNIP check digits, with numbers published by the companies themselves
/// (Sberbank, Yandex, Alfa-Bank) and numbers built to hit the rules' corner cases.
@Suite struct CompanyNumberTests {
    @Test(arguments: [
        ("7707083893", RussianCompanyNumber.Kind.inn10),  // Sberbank
        ("7736207543", .inn10),  // Yandex
        ("7728168971", .inn10),  // Alfa-Bank
        ("7707000030", .inn10),  // Σ mod 11 = 10: the check digit is 0
        ("500100732259", .inn12),
        ("500100700708", .inn12),  // the 11th digit comes from a remainder of 10
        ("1027700132195", .ogrn),  // Sberbank
        ("1027700229193", .ogrn),  // Yandex
        ("1027700067328", .ogrn),  // Alfa-Bank
        ("1027700132020", .ogrn),  // remainder 10 → check digit 0
        ("304500116000157", .ogrnip),
    ])
    func publishedNumbersAreValid(_ text: String, _ kind: RussianCompanyNumber.Kind) throws {
        let number = try RussianCompanyNumber(text)
        #expect(number.kind == kind)
        #expect(number.digits == text)
        #expect(number.description == text)
    }

    /// The OGRNIP rule is "mod 13, then mod 10": remainders 10, 11 and 12 give check digits 0, 1
    /// and 2. Validators that compare the mod-13 remainder directly reject these.
    @Test(arguments: ["304500116000050", "304500116000061", "304500116000072"])
    func ogrnipRemaindersAboveNineWrapAround(_ text: String) throws {
        #expect(try RussianCompanyNumber(text).kind == .ogrnip)
    }

    @Test(arguments: [
        ("7707083894", RussianCompanyNumber.Problem.checksumMismatch(kind: .inn10, expected: "3", found: "4")),
        ("7707083993", .checksumMismatch(kind: .inn10, expected: "9", found: "3")),
        ("500100732258", .checksumMismatch(kind: .inn12, expected: "59", found: "58")),
        ("500100732269", .checksumMismatch(kind: .inn12, expected: "59", found: "69")),
        ("1027700132196", .checksumMismatch(kind: .ogrn, expected: "5", found: "6")),
        ("304500116000158", .checksumMismatch(kind: .ogrnip, expected: "7", found: "8")),
    ])
    func oneChangedDigitBreaksTheChecksum(_ text: String, _ problem: RussianCompanyNumber.Problem) {
        #expect(RussianCompanyNumber.parse(text) == .failure(problem))
    }

    @Test(arguments: [("770708389", 9), ("77070838931", 11), ("10277001321950", 14), ("3045001160001570", 16), ("1", 1)])
    func lengthsNoKindHasAreRejected(_ text: String, _ count: Int) {
        #expect(RussianCompanyNumber.parse(text) == .failure(.wrongLength(count)))
    }

    @Test func lettersAreRejectedNamingTheCharacter() {
        #expect(RussianCompanyNumber.parse("77O7083893") == .failure(.invalidCharacter("O")))
        #expect(RussianCompanyNumber.parse("ИНН 7707083893") == .failure(.invalidCharacter("И")))
        #expect(RussianCompanyNumber.parse("7707.083893") == .failure(.invalidCharacter(".")))
        #expect(RussianCompanyNumber.parse("٧٧٠٧٠٨٣٨٩٣") == .failure(.invalidCharacter("٧")), "only ASCII digits count")
    }

    @Test func blankTextIsEmpty() {
        #expect(RussianCompanyNumber.parse("") == .failure(.empty))
        #expect(RussianCompanyNumber.parse("  - \n") == .failure(.empty))
    }

    @Test func spacesAndHyphensBetweenDigitsAreDropped() throws {
        #expect(try RussianCompanyNumber(" 7707 083 893\n").digits == "7707083893")
        #expect(try RussianCompanyNumber("1027700-132195").digits == "1027700132195")
        #expect(try RussianCompanyNumber("5001\u{00A0}0073\u{00A0}2259").digits == "500100732259")
    }

    @Test func kindsHaveNamesInBothLanguages() {
        #expect(RussianCompanyNumber.Kind.inn10.englishName == "INN (legal entity)")
        #expect(RussianCompanyNumber.Kind.inn12.russianName == "ИНН физлица или ИП")
        #expect(RussianCompanyNumber.Kind.allCases.map(\.length) == [10, 12, 13, 15])
        #expect(RussianCompanyNumber.Kind.inn12.isTaxpayerNumber && RussianCompanyNumber.Kind.ogrnip.isRegistrationNumber)
    }

    @Test func codableAsDigitsAndValidatedOnDecoding() throws {
        let number = try RussianCompanyNumber("7707083893")
        let encoded = try JSONEncoder().encode([number])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["7707083893"]"#)
        #expect(try JSONDecoder().decode([RussianCompanyNumber].self, from: encoded) == [number])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([RussianCompanyNumber].self, from: Data(#"["7707083894"]"#.utf8))
        }
    }

    @Test func formRulesTellATypoFromTheWrongKindOfNumber() {
        var errors = FieldErrors()
        #expect(FormRules.inn(" 7707083893 ", field: "inn", into: &errors)?.kind == .inn10)
        #expect(FormRules.inn("500100732259", field: "inn", into: &errors)?.kind == .inn12)
        #expect(FormRules.ogrn("304500116000157", field: "ogrn", into: &errors)?.kind == .ogrnip)
        #expect(errors.isEmpty)

        #expect(FormRules.inn("7707083894", field: "inn", into: &errors) == nil)
        #expect(errors["inn"] == "validation_company_number_checksum")

        errors = FieldErrors()
        _ = FormRules.inn("1027700132195", field: "inn", into: &errors)
        #expect(errors["inn"] == "validation_inn", "a valid OGRN is still not an INN")

        errors = FieldErrors()
        _ = FormRules.inn("77O7083893", field: "inn", into: &errors)
        _ = FormRules.ogrn("7707083893", field: "ogrn", into: &errors)
        #expect(errors["inn"] == "validation_inn")
        #expect(errors["ogrn"] == "validation_ogrn")

        errors = FieldErrors()
        _ = FormRules.inn("   ", field: "inn", into: &errors)
        #expect(errors["inn"] == "validation_required")
    }

    @Test func completingAppendsTheCheckDigitsOfPublishedNumbers() throws {
        // Sberbank's INN and OGRN, and a published sole proprietor's INN, without their check digits.
        #expect(RussianCompanyNumber.completing("770708389", as: .inn10)?.digits == "7707083893")
        #expect(RussianCompanyNumber.completing("102770013219", as: .ogrn)?.digits == "1027700132195")
        #expect(RussianCompanyNumber.completing("5000011600", as: .inn12) != nil)
        #expect(RussianCompanyNumber.completing("77070838", as: .inn10) == nil, "one digit short")
        #expect(RussianCompanyNumber.completing("77070838x", as: .inn10) == nil)
        for seed in 0..<500 {
            let leading = String(format: "77%07d", seed)
            let number = try #require(RussianCompanyNumber.completing(leading, as: .inn10))
            #expect(number.digits.hasPrefix(leading))
            #expect(throws: Never.self) { try RussianCompanyNumber(number.digits) }
        }
    }
}
