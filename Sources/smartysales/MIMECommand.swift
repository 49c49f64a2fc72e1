import ArgumentParser
import Foundation
import MIME

struct MIMECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mime",
        abstract: "Read and build e-mail with the product's MIME module.",
        subcommands: [Inspect.self, Build.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one JSON object per file (one per line): headers, snippet, attachments, defects. A file that cannot be read or encoded is reported in its object.")

        @Argument(help: "Raw RFC 5322 message files (.eml).")
        var files: [String]

        @Flag(help: "Add the part tree under \"structure\": content types, parameters, decoded headers, text of text parts, sizes, defects.")
        var structure = false

        func run() throws {
            // One process reads many files (the conformance runner sends them in batches), so a
            // file that fails is reported in its own object and the rest still come out.
            for path in files {
                var object: [String: Any]
                if let data = FileManager.default.contents(atPath: path) {
                    let bytes = Array(data)
                    let root = MIMEPart(parsing: bytes[...])
                    object = MessageSummary(root: root).jsonObject
                    if structure {
                        object["structure"] = MIMEStructureJSON.object(for: root)
                    }
                } else {
                    object = ["error": "cannot read file"]
                }
                object["file"] = path
                do {
                    let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: json, as: UTF8.self))
                } catch {
                    let fallback = try JSONSerialization.data(withJSONObject: ["file": path, "error": "cannot encode as JSON: \(error)"], options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: fallback, as: UTF8.self))
                }
            }
        }
    }
}
