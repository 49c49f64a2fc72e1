/// What a template reads: a view model turned into text, flags, numbers, lists and objects once,
/// before rendering.
///
/// Typed, so that looking a name up while rendering is one dictionary probe. swift-mustache
/// looked every name up through a chain of dynamic casts on `Any` (custom representation,
/// parent, transformable, lambda, optional) at every level of the context stack, and split the
/// name into a new array each time: two thirds of a page's rendering time went there. Here
/// each value of a view model is cast once, when it is converted.
enum TemplateValue: Equatable, Sendable {
    case text(String)
    case flag(Bool)
    case integer(Int)
    case number(Double)
    case list([TemplateValue])
    case object([String: TemplateValue])

    /// A view model, as Mustache would see it: strings, flags and numbers as themselves; arrays as
    /// lists; dictionaries, `TemplateFields` types and other structs as objects of their fields;
    /// `nil` (and a field holding `nil`) as absent.
    static func from(_ value: Any) -> TemplateValue? {
        // The common cases first, and concrete types before the protocol: a failed cast to a
        // protocol is a conformance search, a failed cast to a concrete type a comparison.
        switch value {
        case let text as String: return .text(text)
        case let flag as Bool: return .flag(flag)
        case let number as Int: return .integer(number)
        case let number as Double: return .number(number)
        case let converted as TemplateValue: return converted
        case let table as [String: String]: return .object(table.mapValues { .text($0) })
        case let fields as [String: Any]: return .object(fields.compactMapValues(from))
        case let items as [Any]: return .list(items.compactMap(from))
        case let fields as any TemplateFields: return .object(fields.templateFields)
        default: return reflecting(value)
        }
    }

    /// Any other value, by reflection (`Mirror` costs microseconds a field: types shown by the
    /// hundred list their fields by hand with `TemplateFields`).
    static func reflecting(_ value: Any) -> TemplateValue? {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { from($0.value) }
        case .collection, .set:
            return .list(mirror.children.compactMap { from($0.value) })
        case .dictionary:
            var fields: [String: TemplateValue] = [:]
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                if pair.count == 2, let key = pair[0].value as? String, let converted = from(pair[1].value) { fields[key] = converted }
            }
            return .object(fields)
        case .struct, .class:
            var fields: [String: TemplateValue] = [:]
            for child in mirror.children {
                if let label = child.label, let converted = from(child.value) { fields[label] = converted }
            }
            return .object(fields)
        default:
            // An enum or another scalar: its description, as Mustache prints it.
            return .text(String(describing: value))
        }
    }

    /// The fields of an object; `nil` for any other value.
    var fields: [String: TemplateValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }
}
