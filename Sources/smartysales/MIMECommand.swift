import ArgumentParser
import Foundation
import MIME

struct MIMECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mime",
        abstract: "Read e-mail files with the product's MIME parser.",
        subcommands: [Inspect.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one JSON object per file (one per line): headers, snippet, attachments, defects. A file that cannot be read is reported in its object.")

        @Argument(help: "Raw RFC 5322 message files (.eml).")
        var files: [String]

        func run() throws {
            for path in files {
                var object: [String: Any]
                if let data = FileManager.default.contents(atPath: path) {
                    object = MessageSummary(parsing: Array(data)).jsonObject
                } else {
                    object = ["error": "cannot read file"]
                }
                object["file"] = path
                let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: json, as: UTF8.self))
            }
        }
    }
}
