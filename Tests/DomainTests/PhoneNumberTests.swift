import Domain
import Testing

/// Phone numbers as registries and company sites write them, read into E.164.
@Suite struct PhoneNumberTests {
    @Test(arguments: [
        ("8 (495) 123-45-67", "+74951234567"),
        ("+7 495 1234567", "+74951234567"),
        ("+7 (495) 123-45-67", "+74951234567"),
        ("495-123-45-67", "+74951234567"),
        ("84951234567", "+74951234567"),
        ("74951234567", "+74951234567"),
        ("8-800-555-35-35", "+78005553535"),
        ("+7 916 000-00-01", "+79160000001"),
        ("8\u{00A0}(495)\u{00A0}123\u{2013}45\u{2013}67", "+74951234567"),
        ("  +7.495.123.45.67  ", "+74951234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("00 44 20 7946 0958", "+442079460958"),
        ("8 10 44 20 7946 0958", "+442079460958"),
        ("+1 (212) 555-0100", "+12125550100"),
        ("+49 30 901820", "+4930901820"),
    ])
    func commonLayoutsBecomeE164(_ text: String, _ expected: String) {
        #expect(PhoneNumber(text)?.e164 == expected, "\(text)")
    }

    @Test(arguments: [
        ("8 (495) 123-45-67 доб. 123", "+74951234567"),
        ("8 (495) 123-45-67, доб. 123", "+74951234567"),
        ("+7 495 123-45-67 ДОБ 5", "+74951234567"),
        ("+7 495 123-45-67 вн. 12", "+74951234567"),
        ("+7 495 123-45-67 ext. 45", "+74951234567"),
        ("+7 495 123-45-67 Ext 45", "+74951234567"),
        ("+7 495 123-45-67 x45", "+74951234567"),
        ("+7 495 123-45-67 #45", "+74951234567"),
        ("8 (495) 123-45-67, 8 (495) 765-43-21", "+74951234567"),
    ])
    func extensionsAndSecondNumbersAreCutOff(_ text: String, _ expected: String) {
        #expect(PhoneNumber(text)?.e164 == expected, "\(text)")
    }

    @Test(arguments: [
        "",
        "   ",
        "12-34",
        "+7 495 123",  // too short
        "+7 495 123-45-678",  // a digit too many for +7
        "8 495 123-45-678-9",  // twelve digits without a +
        "123456789",  // nine digits, no country
        "+1234567",  // seven digits in all
        "+1234567890123456",  // sixteen digits
        "+1 212 555 010",  // short for the North American plan
        "+7 (195) 123-45-67",  // no Russian code starts with 1
        "+0 495 123 45 67",  // no country code starts with 0
        "тел. 8 (495) 123-45-67",  // a word before the number
        "+7 495 CALL-NOW",
        "8 (495) 12З-45-67",  // a Cyrillic З for a 3
        "+7 +495 123 45 67",
        "495 123 45 67 +",
        "доб. 123",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(PhoneNumber(text) == nil, "\(text)")
    }

    @Test func anotherDefaultCountryReadsNationalNumbersWithTheirTrunkZero() {
        #expect(PhoneNumber("020 7946 0958", defaultCountryCode: "44")?.e164 == "+442079460958")
        #expect(PhoneNumber("020 7946 0958")?.e164 == nil, "eleven digits starting with 0 are no Russian number")
        #expect(PhoneNumber("+7 495 123-45-67", defaultCountryCode: "44")?.e164 == "+74951234567", "a + wins over the default")
    }

    @Test func theSameNumberWrittenDifferentlyIsEqual() throws {
        let written = ["8 (495) 123-45-67", "+7 495 1234567", "495-123-45-67 доб. 9"].compactMap { PhoneNumber($0) }
        #expect(written.count == 3)
        #expect(Set(written).count == 1)
        #expect(try #require(written.first).description == "+74951234567")
        #expect(try #require(written.first).digits == "74951234567")
    }
}
