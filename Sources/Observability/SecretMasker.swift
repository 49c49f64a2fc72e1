import Foundation
import Logging

/// The one place that decides what is secret. Everything that leaves the process as text — log
/// lines, audit details, request dumps — goes through here, so adding a new kind of secret is a
/// one-line change to ``sensitiveKeyFragments``.
///
/// The rule is deliberately blunt: a key is sensitive when its lowercased form *contains* one of
/// the fragments. That over-masks now and then (`session_count`, anything containing `otp`), which
/// costs a little debugging convenience; under-masking would put a password on disk.
///
/// Masked values become ``mask`` (`***`); the key stays, so a reader still sees that the field was
/// present.
public enum SecretMasker {
    /// What a secret is replaced with.
    public static let mask = "***"

    /// Lowercased substrings that make a key sensitive:
    ///
    /// | fragment | catches |
    /// |---|---|
    /// | `password`, `passwd`, `app_password` | login, temporary and SMTP/IMAP app passwords |
    /// | `token`, `csrf` | CSRF tokens, remember-me, reset and API tokens |
    /// | `secret` | client secrets, TOTP secrets |
    /// | `api_key`, `apikey`, `api-key` | third-party API keys (`X-Api-Key` header) |
    /// | `authorization` | `Authorization` / `Proxy-Authorization` headers |
    /// | `cookie` | `Cookie` / `Set-Cookie` headers |
    /// | `session` | session identifiers |
    /// | `otp`, `totp`, `recovery_code` | one-time codes and 2FA recovery codes |
    /// | `master_key` | the storage master key |
    /// | `binds`, `psql_message` | the values bound into SQL statements (SQLKit's `binds`, PostgresNIO's `psql_binds`) and the wire messages PostgresNIO traces (`psql_message`, `psql_message_payload`: data rows): at `--log-level trace` they carry sealed secrets, CA certificates and tenants' data |
    ///
    /// `key` alone is not on the list: `key` fields are mostly harmless identifiers (sort keys,
    /// idempotency keys, translation keys), and the secret kinds of key are covered explicitly.
    public static let sensitiveKeyFragments: [String] = [
        "password", "passwd", "token", "secret", "csrf",
        "api_key", "apikey", "api-key", "authorization", "app_password",
        "cookie", "session", "otp", "totp", "recovery_code", "master_key",
        "binds", "psql_message",
    ]

    /// Whether values under `key` must never be written out.
    public static func isSensitive(key: String) -> Bool {
        let lowered = key.lowercased()
        return sensitiveKeyFragments.contains { lowered.contains($0) }
    }

    /// The value to write for `key`: ``mask`` when the key is sensitive, otherwise the value with
    /// any embedded `token=…`-style secrets masked (see ``maskFreeText(_:)``), since a harmless
    /// key such as `query` or `note` can still carry one.
    public static func maskValue(forKey key: String, value: String) -> String {
        isSensitive(key: key) ? mask : maskFreeText(value)
    }

    // MARK: - application/x-www-form-urlencoded

    /// Masks values of sensitive keys in a form body or query string (`a=1&password=x` →
    /// `a=1&password=***`). A leading `?` is kept. Keys are decoded (`+` as space, then
    /// percent-decoding) before matching, so `pass%77ord=x` is caught; everything that is not
    /// masked is returned byte for byte as it came.
    public static func maskFormEncoded(_ body: String) -> String {
        var text = Substring(body)
        var lead = ""
        if text.hasPrefix("?") {
            lead = "?"
            text = text.dropFirst()
        }
        let pairs = text.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let rawKey = String(pair[..<equals])
            return isSensitive(key: decodeFormComponent(rawKey)) ? rawKey + "=" + mask : String(pair)
        }
        return lead + pairs.joined(separator: "&")
    }

    static func decodeFormComponent(_ component: String) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        // Malformed escapes (`%zz`) make removingPercentEncoding fail; match on the raw text then.
        return spaced.removingPercentEncoding ?? spaced
    }

    // MARK: - HTTP headers

    /// Masks credential headers (`Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key`,
    /// `X-CSRF-Token`, anything matching ``sensitiveKeyFragments``). For the authorization headers
    /// the scheme word is kept (`Bearer ***`) because it helps debugging and is not secret. Other
    /// header values go through ``maskFreeText(_:)`` (a `Referer` may carry `?token=…`).
    public static func maskHeaders(_ headers: [(String, String)]) -> [(String, String)] {
        headers.map { header -> (String, String) in
            let (name, value) = header
            guard isSensitive(key: name) else { return (name, maskFreeText(value)) }
            if name.lowercased().contains("authorization"), let space = value.firstIndex(of: " ") {
                let scheme = value[..<space]
                if !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                    return (name, String(scheme) + " " + mask)
                }
            }
            return (name, mask)
        }
    }

    // MARK: - JSON

    /// Masks values under sensitive keys at any depth of a JSON document, objects inside arrays
    /// included, and re-serialises with sorted keys. Nil when `data` is not JSON. A top-level
    /// scalar has no keys and is returned unchanged.
    public static func maskJSON(_ data: Data) -> Data? {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        guard object is [String: Any] || object is [Any] else { return data }
        return try? JSONSerialization.data(withJSONObject: maskJSONValue(object), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The same on an already parsed value (`[String: Any]`, `[Any]`, scalars). Only keys decide:
    /// string values under ordinary keys are left exactly as they are.
    public static func maskJSONValue(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var masked: [String: Any] = [:]
            for (key, child) in object {
                masked[key] = isSensitive(key: key) ? (mask as Any) : maskJSONValue(child)
            }
            return masked
        }
        if let array = value as? [Any] {
            return array.map { maskJSONValue($0) }
        }
        return value
    }

    // MARK: - swift-log metadata

    /// Masks log metadata: sensitive keys at any depth of `.dictionary` values become `***`
    /// (whatever their value's shape), and string leaves go through ``maskFreeText(_:)``.
    public static func maskMetadata(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var masked = Logger.Metadata(minimumCapacity: metadata.count)
        for (key, value) in metadata {
            masked[key] = isSensitive(key: key) ? Logger.MetadataValue.string(mask) : maskMetadataValue(value)
        }
        return masked
    }

    static func maskMetadataValue(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text):
            return .string(maskFreeText(text))
        case .stringConvertible(let convertible):
            let text = convertible.description
            let masked = maskFreeText(text)
            return masked == text ? value : .string(masked)
        case .dictionary(let dictionary):
            return .dictionary(maskMetadata(dictionary))
        case .array(let array):
            return .array(array.map { maskMetadataValue($0) })
        }
    }

    // MARK: - Free text

    /// Best-effort masking inside prose such as log messages and error descriptions:
    /// - `key=value`, `key: value`, `"key":"value"`, `'key': 'value'` when the key is sensitive
    ///   (the value is a quoted string, a `{…}`/`[…]` block, or a run up to whitespace or one of
    ///   `& , ; ) ] } < >`);
    /// - `Authorization: Bearer xyz` and a bare `Bearer xyz` → the scheme stays, the credential goes;
    /// - credentials in URLs: `postgres://user:pw@host` → `postgres://user:***@host`.
    ///
    /// It cannot know that an arbitrary word is a password; code must still not log secrets
    /// deliberately. It errs on the side of masking: `password: too short` loses `too`.
    public static func maskFreeText(_ text: String) -> String {
        let bytes = Array(text.utf8)
        // Nearly every message has neither separator nor a bearer token: skip the scan.
        if !bytes.contains(TextBytes.equals) && !bytes.contains(TextBytes.colon) && !text.lowercased().contains("bearer") {
            return text
        }
        let count = bytes.count
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        var index = 0
        while index < count {
            guard TextBytes.isKeyByte(bytes[index]) else {
                out.append(bytes[index])
                index += 1
                continue
            }
            // A word: a candidate key. Words stop at non-ASCII bytes, which are never key bytes,
            // so multi-byte characters pass through intact.
            var wordEnd = index
            while wordEnd < count && TextBytes.isKeyByte(bytes[wordEnd]) { wordEnd += 1 }

            // scheme://user:password@host
            if wordEnd + 2 < count, bytes[wordEnd] == TextBytes.colon, bytes[wordEnd + 1] == TextBytes.slash, bytes[wordEnd + 2] == TextBytes.slash {
                out += bytes[index..<(wordEnd + 3)]
                index = wordEnd + 3
                var end = index
                while end < count && !TextBytes.endsAuthority(bytes[end]) { end += 1 }
                if let at = bytes[index..<end].lastIndex(of: TextBytes.at), let colon = bytes[index..<at].firstIndex(of: TextBytes.colon) {
                    out += bytes[index...colon]
                    out += TextBytes.maskBytes
                    out += bytes[at..<end]
                    index = end
                }
                continue
            }

            // A bare "Bearer xyz", e.g. a header echoed into an error message.
            if wordEnd < count, bytes[wordEnd] == TextBytes.space, TextBytes.lowercased(bytes[index..<wordEnd]) == "bearer" {
                var valueStart = wordEnd
                while valueStart < count && bytes[valueStart] == TextBytes.space { valueStart += 1 }
                var valueEnd = valueStart
                while valueEnd < count && !TextBytes.endsValue(bytes[valueEnd]) { valueEnd += 1 }
                if valueEnd > valueStart {
                    out += bytes[index..<valueStart]
                    out += TextBytes.maskBytes
                    index = valueEnd
                    continue
                }
            }

            // key ["|'] [spaces] (=|:) [spaces] value
            var cursor = wordEnd
            if cursor < count, bytes[cursor] == TextBytes.quote || bytes[cursor] == TextBytes.apostrophe,
               index > 0, bytes[index - 1] == bytes[cursor] {
                cursor += 1
            }
            while cursor < count && bytes[cursor] == TextBytes.space { cursor += 1 }
            guard cursor < count, bytes[cursor] == TextBytes.equals || bytes[cursor] == TextBytes.colon,
                  isSensitive(key: String(decoding: bytes[index..<wordEnd], as: UTF8.self))
            else {
                // Not a secret's key: copy the word and keep scanning, so `url=/x?token=abc` is
                // still caught at `token`.
                out += bytes[index..<wordEnd]
                index = wordEnd
                continue
            }
            var valueStart = cursor + 1
            while valueStart < count && bytes[valueStart] == TextBytes.space { valueStart += 1 }
            out += bytes[index..<valueStart]
            index = maskValueBytes(bytes, from: valueStart, into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Auth schemes whose next word is the credential.
    private static let authSchemes: Set<String> = ["bearer", "basic", "digest", "token", "negotiate", "ntlm"]

    /// Writes the mask for the value starting at `start`; returns where scanning resumes.
    private static func maskValueBytes(_ bytes: [UInt8], from start: Int, into out: inout [UInt8]) -> Int {
        let count = bytes.count
        guard start < count else { return start }
        let first = bytes[start]

        if first == TextBytes.quote || first == TextBytes.apostrophe {
            var end = start + 1
            while end < count && bytes[end] != first {
                if bytes[end] == TextBytes.backslash { end += 1 }
                end += 1
            }
            out.append(first)
            out += TextBytes.maskBytes
            guard end < count else { return count }
            out.append(first)
            return end + 1
        }

        if first == TextBytes.openBrace || first == TextBytes.openBracket {
            // A nested JSON object or array under a secret key: replace it whole, as a JSON string
            // so JSON embedded in the text stays JSON.
            var end = start
            var depth = 0
            var inString = false
            while end < count {
                let byte = bytes[end]
                if inString {
                    if byte == TextBytes.backslash { end += 1 } else if byte == TextBytes.quote { inString = false }
                } else if byte == TextBytes.quote {
                    inString = true
                } else if byte == TextBytes.openBrace || byte == TextBytes.openBracket {
                    depth += 1
                } else if byte == TextBytes.closeBrace || byte == TextBytes.closeBracket {
                    depth -= 1
                    if depth == 0 {
                        end += 1
                        break
                    }
                }
                end += 1
            }
            out += Array("\"\(mask)\"".utf8)
            return min(end, count)
        }

        var end = start
        while end < count && !TextBytes.endsValue(bytes[end]) { end += 1 }
        guard end > start else { return start }
        // `Authorization: Bearer xyz`: keep the scheme, mask the credential after it.
        if end < count, bytes[end] == TextBytes.space, authSchemes.contains(TextBytes.lowercased(bytes[start..<end])) {
            var credentialStart = end
            while credentialStart < count && bytes[credentialStart] == TextBytes.space { credentialStart += 1 }
            var credentialEnd = credentialStart
            while credentialEnd < count && !TextBytes.endsValue(bytes[credentialEnd]) { credentialEnd += 1 }
            if credentialEnd > credentialStart {
                out += bytes[start..<credentialStart]
                out += TextBytes.maskBytes
                return credentialEnd
            }
        }
        out += TextBytes.maskBytes
        return end
    }
}

/// Byte-level helpers for the free-text scanner. Keys and separators are ASCII, so scanning UTF-8
/// bytes is exact and never splits a multi-byte character.
private enum TextBytes {
    static let equals = UInt8(ascii: "=")
    static let colon = UInt8(ascii: ":")
    static let slash = UInt8(ascii: "/")
    static let at = UInt8(ascii: "@")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let maskBytes = Array(SecretMasker.mask.utf8)

    /// Letters, digits, `_`, `-`, `.`: enough for `password`, `X-Api-Key`, `form.csrf_token`.
    static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// Where an unquoted value ends.
    static func endsValue(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
             UInt8(ascii: "&"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\""), UInt8(ascii: "'"),
             UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            return true
        default:
            return false
        }
    }

    /// Where the `user:password@host` part of a URL ends.
    static func endsAuthority(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: " "), UInt8(ascii: "\t"),
             UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"),
             UInt8(ascii: ">"):
            return true
        default:
            return false
        }
    }

    static func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self).lowercased()
    }
}
