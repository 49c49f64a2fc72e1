import Foundation
import NIOHTTP1

/// A provider's HTTP answer, body fully read: what the adapters interpret, success or failure.
struct ProviderReply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as the adapter's wire type; a body that does not decode is a malformed answer
    /// (the provider changed its format, or a proxy answered instead of it).
    func decode<Wire: Decodable>(_ type: Wire.Type, provider: LLMProviderKind) throws -> Wire {
        do {
            return try JSONDecoder().decode(Wire.self, from: body)
        } catch {
            throw LLMError.malformedAnswer(provider: provider, message: "the reply is not the documented \(Wire.self): \(error)")
        }
    }
}
