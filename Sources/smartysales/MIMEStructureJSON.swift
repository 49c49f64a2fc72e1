import Foundation
import MIME

/// The part tree of a message as JSON-ready dictionaries, for `mime inspect --structure`.
/// `scripts/conformance` compares it with other parsers' oracles, so it carries what those
/// oracles record: content type and nesting, the decoded headers they check, the decoded text
/// of text parts and the decoded size of every leaf.
enum MIMEStructureJSON {
    /// One part and, recursively, its children. Header keys appear only on parts that carry
    /// the field, so a reader can tell "no Subject" from "empty Subject".
    static func object(for part: MIMEPart) -> [String: Any] {
        var node: [String: Any] = [
            "content_type": part.contentType.value,
            "parameters": part.contentType.parameters,
            "children": part.children.map { object(for: $0) },
            "defects": part.defects.map(\.description),
        ]
        let headers = part.headers
        if let subject = headers.text("Subject") {
            node["subject"] = subject
        }
        // The same reading as `MessageSummary`: the first From field, every To and Cc field.
        if let from = headers.raw("From") {
            node["from"] = addresses(MailAddress.parseList(from))
        }
        for (key, name) in [("to", "To"), ("cc", "Cc")] {
            let fields = headers.all(name)
            if !fields.isEmpty {
                node[key] = addresses(fields.flatMap { MailAddress.parseList($0.raw) })
            }
        }
        if part.children.isEmpty {
            // Transfer-decoded bytes: what other parsers report as the body's length.
            node["size"] = part.body.count
            if part.contentType.value.hasPrefix("text/") {
                node["text"] = part.text
            }
        }
        return node
    }

    static func addresses(_ list: [MailAddress]) -> [[String: Any]] {
        list.map { ["name": $0.name ?? NSNull(), "address": $0.address] }
    }
}
