import Foundation

/// Byte-level stand-ins for the `Character` and Foundation string operations of the header
/// code, for ASCII text, where they give exactly the same answers.
///
/// Why they agree: in ASCII text every `Character` is one byte, except CR LF, which is one
/// `Character` but made of two whitespace bytes; no ASCII character combines with its
/// neighbours, has a canonical decomposition, or changes length when lower-cased. So a scan of
/// the bytes sees what a scan of the characters sees, and Foundation's (non-literal) search
/// finds what a byte search finds. Callers check that their text is ASCII and otherwise keep
/// their `Character` code: real mail headers are ASCII almost always, and grapheme breaking,
/// Unicode property look-ups and bridging to `NSString` for every header of every message made
/// up most of a parse.
enum ASCIIFastPath {
    /// `Character.isWhitespace` for an ASCII byte: U+0009 to U+000D and U+0020 (Unicode's
    /// White_Space; U+001C to U+001F are not in it).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    static func isASCII(_ text: some StringProtocol) -> Bool {
        isASCII(bytes: text.utf8)
    }

    /// Whether every byte is below 0x80, eight at a time where the bytes are contiguous: bodies
    /// are checked whole before decoding, and a byte-by-byte generic walk showed in profiles.
    static func isASCII(bytes: some Collection<UInt8>) -> Bool {
        let answer = bytes.withContiguousStorageIfAvailable { buffer -> Bool in
            var index = 0
            let count = buffer.count
            if let base = UnsafeRawPointer(buffer.baseAddress) {
                while index + 8 <= count {
                    if base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                    index += 8
                }
            }
            while index < count {
                if buffer[index] >= 0x80 { return false }
                index += 1
            }
            return true
        }
        return answer ?? bytes.allSatisfy { $0 < 0x80 }
    }

    /// `haystack.contains(needle)` as Foundation answers it, without bridging to `NSString` when
    /// both are ASCII.
    static func contains(_ needle: String, in haystack: String) -> Bool {
        guard !needle.isEmpty, isASCII(haystack), isASCII(needle) else { return haystack.contains(needle) }
        var haystack = haystack, needle = needle
        return haystack.withUTF8 { haystackBytes in
            needle.withUTF8 { needleBytes in Self.firstIndex(of: needleBytes, in: haystackBytes) != nil }
        }
    }

    /// Whether any of `needles` occurs in `haystack`, as `needles.contains { haystack.contains($0) }`
    /// with Foundation's `contains` answers it; the ASCII check is made once for all of them.
    static func containsAny(_ needles: [String], in haystack: String) -> Bool {
        guard isASCII(haystack) else { return needles.contains { haystack.contains($0) } }
        return needles.contains { Self.contains($0, in: haystack) }
    }

    /// Where `needle` first occurs in `haystack` at or after `start`.
    static func firstIndex(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start >= 0 else { return nil }
        let first = needle[0]
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == first {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
