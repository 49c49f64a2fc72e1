/// Hex in and out for the EWS and NTLM tests, where published vectors are written in hex.
enum EWSTestBytes {
    /// Spaces and line breaks are ignored, so vectors can be copied as the documents print them.
    static func from(hex: String) -> [UInt8] {
        let digits = Array(hex.unicodeScalars.filter { !$0.properties.isWhitespace })
        precondition(digits.count % 2 == 0, "odd number of hex digits")
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(digits[index]) + String(digits[index + 1]), radix: 16)!
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
