/// Templates by name, rendered from a ``TemplateValue``.
struct TemplateLibrary: Sendable {
    private var templates: [String: Template] = [:]

    init() {}

    /// Parses `source` as the template `name`; a syntax error names the template and line.
    mutating func register(_ source: String, named name: String) throws {
        templates[name] = try Template(parsing: source, name: name)
    }

    var names: some Collection<String> { templates.keys }

    /// The page, or `nil` when there is no template of that name.
    func render(_ name: String, _ value: TemplateValue) -> String? {
        guard let template = templates[name] else { return nil }
        var rendering = Rendering(templates: templates, root: value)
        rendering.render(template.nodes, blocks: [:])
        return rendering.output
    }
}

/// One render: the output so far and the context stack, innermost last.
private struct Rendering {
    let templates: [String: Template]
    var output = ""
    var stack: [TemplateValue]

    init(templates: [String: Template], root: TemplateValue) {
        self.templates = templates
        stack = [root]
        output.reserveCapacity(16 * 1024)
    }

    /// `blocks` are the overrides in force from the templates inheriting this one.
    mutating func render(_ nodes: [Template.Node], blocks: [String: [Template.Node]]) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let path, let escaped):
                guard let value = resolve(path), let text = Self.text(of: value) else { continue }
                output += escaped ? HTMLEscape.escape(text) : text
            case .section(let path, let body):
                guard let value = resolve(path) else { continue }
                switch value {
                case .list(let items):
                    for item in items {
                        stack.append(item)
                        render(body, blocks: blocks)
                        stack.removeLast()
                    }
                case .flag(let on):
                    if on { render(body, blocks: blocks) }
                default:
                    stack.append(value)
                    render(body, blocks: blocks)
                    stack.removeLast()
                }
            case .inverted(let path, let body):
                switch resolve(path) {
                case nil, .flag(false)?: render(body, blocks: blocks)
                case .list(let items)? where items.isEmpty: render(body, blocks: blocks)
                default: break
                }
            case .partial(let name):
                if let partial = templates[name] { render(partial.nodes, blocks: blocks) }
            case .block(let name, let fallback):
                render(blocks[name] ?? fallback, blocks: blocks)
            case .parent(let name, let overrides):
                // The outermost template's blocks win over those of templates it inherits through.
                if let parent = templates[name] { render(parent.nodes, blocks: overrides.merging(blocks) { _, outer in outer }) }
            }
        }
    }

    /// The first name is looked for from the innermost context outwards, the rest inside what it found.
    private func resolve(_ path: TemplatePath) -> TemplateValue? {
        var value: TemplateValue?
        if let first = path.names.first {
            for frame in stack.reversed() {
                if case .object(let fields) = frame, let found = fields[first] {
                    value = found
                    break
                }
            }
            for name in path.names.dropFirst() {
                value = value?.fields?[name]
            }
        } else {
            value = stack.last
        }
        switch path.transform {
        case nil:
            return value
        case .first:
            if case .list(let items)? = value { return items.first }
            return nil
        case .empty:
            switch value {
            case .list(let items)?: return .flag(items.isEmpty)
            case .text(let text)?: return .flag(text.isEmpty)
            default: return nil
            }
        }
    }

    /// How a value prints; lists and objects print nothing.
    private static func text(of value: TemplateValue) -> String? {
        switch value {
        case .text(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(describing: number)
        case .flag(let flag): flag ? "true" : "false"
        case .list, .object: nil
        }
    }
}
