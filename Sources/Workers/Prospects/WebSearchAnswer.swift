import Domain
import Foundation
import LLM

/// Reads the web-search answer (`WebSearchPrompt.schema`) into contacts with `source:
/// .webSearch`, each value's page as its `url`, then keeps only what `ContactRules` accepts.
///
/// Two kinds of trouble are told apart. An answer that is not the shape asked for at all (not
/// an object, lists that are not lists, none of the keys) is garbage: `Unreadable`, and the
/// enrichment fails with that reason rather than storing half a guess. Inside a well-formed
/// answer, an item with a wrong type, no source page or an invalid value is simply dropped —
/// the model is allowed to be wrong about one phone without losing the rest.
public enum WebSearchAnswer {
    public struct Unreadable: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { "web search: the answer is not in the requested format: \(message)" }
    }

    /// The verified contacts in `answer`, found at `fetchedAt`.
    public static func contacts(from answer: JSONValue, fetchedAt: Date) throws -> ClientContacts {
        ContactRules.verified(try unverifiedContacts(from: answer, fetchedAt: fetchedAt), today: fetchedAt)
    }

    /// Everything the answer names, before `ContactRules`.
    static func unverifiedContacts(from answer: JSONValue, fetchedAt: Date) throws -> ClientContacts {
        guard case .object(let object) = answer else {
            throw Unreadable(message: "expected a JSON object")
        }
        let keys = ["website", "emails", "phones", "decision_makers"]
        guard keys.contains(where: { object[$0] != nil }) else {
            throw Unreadable(message: "none of the keys \(keys.joined(separator: ", "))")
        }
        func items(_ key: String) throws -> [JSONValue] {
            switch object[key] {
            case nil, .null?: return []
            case .array(let items)?: return items
            default: throw Unreadable(message: "\(key) is not a list")
            }
        }
        func sourced(_ item: JSONValue, _ key: String) -> Sourced<String>? {
            guard let value = text(item[key]) else { return nil }
            return Sourced(value, source: .webSearch, fetchedAt: fetchedAt, url: text(item["source_url"]))
        }

        var contacts = ClientContacts()
        switch object["website"] {
        case .object?:
            contacts.website = object["website"].flatMap { sourced($0, "url") }
        case nil, .null?, .string?:
            // A bare string has no page: nothing to keep, but not garbage either.
            break
        default:
            throw Unreadable(message: "website is not an object")
        }
        contacts.emails = try items("emails").compactMap { sourced($0, "email") }
        contacts.phones = try items("phones").compactMap { sourced($0, "phone") }
        contacts.decisionMakers = try items("decision_makers").compactMap { item -> DecisionMaker? in
            guard let name = text(item["full_name"]) else { return nil }
            return DecisionMaker(
                fullName: name, position: text(item["position"]), inn: text(item["inn"]),
                birthDate: text(item["birth_date"]).flatMap { CalendarDay($0) }, email: text(item["email"]),
                phone: text(item["phone"]), source: .webSearch, sourceURL: text(item["source_url"]), fetchedAt: fetchedAt)
        }
        return contacts
    }

    /// A non-blank string; nil for null, other types and blanks.
    private static func text(_ value: JSONValue?) -> String? {
        guard let string = value?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !string.isEmpty else { return nil }
        return string
    }
}
