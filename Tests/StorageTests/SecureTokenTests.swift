import Foundation
import Testing
@testable import Storage

@Suite struct SecureTokenTests {
    @Test func base64URLMatchesFoundationWithoutPadding() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(SecureToken.base64URL(bytes) == expected, "length \(length)")
        }
    }

    @Test func tokensAreLongRandomAndCookieSafe() {
        let tokens = (0..<200).map { _ in SecureToken.random() }
        #expect(Set(tokens).count == 200)
        #expect(tokens.allSatisfy { $0.count == 43 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } })
        #expect(SecureToken.random(byteCount: 12).count == 16)
    }

    @Test func hashIsLowercaseHexSHA256() {
        // FIPS 180-2 test vector for "abc".
        #expect(SecureToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SecureToken.hex([0x00, 0x0f, 0xf0, 0xff]) == "000ff0ff")
    }

    @Test func comparisonIsExact() {
        #expect(SecureToken.equal("abc", "abc"))
        #expect(!SecureToken.equal("abc", "abd"))
        #expect(!SecureToken.equal("abc", "abcd"))
    }
}
