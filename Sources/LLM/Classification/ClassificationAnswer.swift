import Foundation

/// A model's answer for one message, after validation.
struct ClassificationAnswer: Sendable, Hashable {
    /// A category id the tenant has, or nil for the model's "none".
    var categoryID: String?
    var confidence: Double
    var reason: String
}

/// Reads a model's output against what the request asked. Schema-constrained providers cannot
/// break these rules, but DeepSeek's JSON mode only promises JSON, and any provider's output is
/// data from outside: nothing in it is trusted until checked here.
///
/// - a key not in this request is ignored (it cannot name another message);
/// - a repeated key keeps its first answer;
/// - a category that is neither one of the tenant's ids nor "none" is rejected: that message
///   counts as unanswered, so the engine asks again for it and, failing that, sends it to review;
/// - the confidence is clamped to 0...1 (absent or not a number: 0, which means review);
/// - the reason keeps its first line, trimmed, cut at `ClassificationVerdict.maxReasonLength`.
enum ClassificationAnswerReader {
    struct Reading: Sendable {
        /// Valid answers by the position of the message in the request.
        var answers: [Int: ClassificationAnswer] = [:]
        /// Positions whose only answer named a category that does not exist.
        var rejected: Set<Int> = []
    }

    static func read(_ output: JSONValue, keys: [String], categoryIDs: Set<String>) -> Reading {
        var positions: [String: Int] = [:]
        for (position, key) in keys.enumerated() where positions[key] == nil {
            positions[key] = position
        }
        var reading = Reading()
        var seen = Set<Int>()
        for item in output["results"]?.arrayValue ?? [] {
            guard let key = item["key"]?.stringValue, let position = positions[key],
                  seen.insert(position).inserted else { continue }
            let category = item["category"]?.stringValue
            let categoryID: String?
            if category == ClassificationSchema.noneCategoryID {
                categoryID = nil
            } else if let category, categoryIDs.contains(category) {
                categoryID = category
            } else {
                reading.rejected.insert(position)
                continue
            }
            reading.answers[position] = ClassificationAnswer(
                categoryID: categoryID,
                confidence: clampedConfidence(item["confidence"]?.doubleValue),
                reason: oneLineReason(item["reason"]?.stringValue ?? ""))
        }
        return reading
    }

    static func clampedConfidence(_ value: Double?) -> Double {
        guard let value, !value.isNaN else { return 0 }
        return min(max(value, 0), 1)
    }

    static func oneLineReason(_ reason: String) -> String {
        let firstLine = reason.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        let trimmed = firstLine.trimmingCharacters(in: .whitespaces)
        let limit = ClassificationVerdict.maxReasonLength
        guard trimmed.count > limit else { return trimmed }
        return String(trimmed.prefix(limit - 1)) + "…"
    }
}
