import ArgumentParser
import Domain
import Foundation

struct CompanyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "company",
        abstract: "Russian company numbers and data.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check INN, OGRN and OGRNIP numbers: the kind of each and whether its check digits add up.",
            discussion: """
                One line per number: the number, its kind (told by its length: 10 digits an INN of a \
                legal entity, 12 an INN of a person or sole proprietor, 13 an OGRN, 15 an OGRNIP) and \
                "valid", or "invalid" with the reason. Spaces and hyphens between digits are ignored. \
                Exit status: 0 when every number is valid, 1 when any is invalid, 2 on a usage error.
                """)

        @Flag(help: "Print one JSON object per number (one per line) instead.")
        var json = false

        // Everything but --json lands here, unknown options included, so that a mistyped option
        // ends with the documented usage status 2 rather than ArgumentParser's 64.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The numbers to check.", valueName: "number"))
        var numbers: [String] = []

        func run() throws {
            if let option = numbers.first(where: { $0.hasPrefix("-") }) {
                throw usageError("unknown option \(option)")
            }
            guard !numbers.isEmpty else {
                throw usageError("give at least one number")
            }
            let checks = numbers.map(NumberCheck.init)
            if json {
                for check in checks {
                    print(try check.jsonLine())
                }
            } else {
                let numberWidth = checks.map(\.shown.count).max() ?? 0
                let kindWidth = checks.map(\.kindName.count).max() ?? 0
                for check in checks {
                    print(Self.padded(check.shown, numberWidth) + "  " + Self.padded(check.kindName, kindWidth) + "  " + check.verdict)
                }
            }
            if checks.contains(where: { !$0.isValid }) {
                throw ExitCode(1)
            }
        }

        /// Prints the problem and the usage to standard error; exit status 2.
        private func usageError(_ message: String) -> ExitCode {
            let usage = SmartySales.usageString(for: Check.self)
            FileHandle.standardError.write(Data("Error: \(message)\n\(usage)\n".utf8))
            return ExitCode(2)
        }

        private static func padded(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
    }
}

/// One argument of `company check`, checked.
private struct NumberCheck {
    let input: String
    let result: Result<RussianCompanyNumber, RussianCompanyNumber.Problem>

    init(_ input: String) {
        self.input = input
        self.result = RussianCompanyNumber.parse(input)
    }

    var isValid: Bool {
        if case .success = result { return true }
        return false
    }

    /// The kind, also for a number of a known length whose check digits fail.
    var kind: RussianCompanyNumber.Kind? {
        switch result {
        case .success(let number): number.kind
        case .failure(.checksumMismatch(let kind, _, _)): kind
        case .failure: nil
        }
    }

    /// The number as typed, without surrounding whitespace.
    var shown: String {
        let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "\"\"" : trimmed
    }

    var kindName: String { kind?.englishName ?? "unknown" }

    var verdict: String {
        switch result {
        case .success: "valid"
        case .failure(let problem): "invalid: \(problem)"
        }
    }

    func jsonLine() throws -> String {
        var object: [String: Any] = [
            "input": input,
            "valid": isValid,
            "kind": Self.jsonValue(kind?.rawValue),
            "kind_name": Self.jsonValue(kind?.englishName),
            "kind_name_ru": Self.jsonValue(kind?.russianName),
        ]
        switch result {
        case .success(let number):
            object["digits"] = number.digits
            object["problem"] = NSNull()
            object["reason"] = NSNull()
        case .failure(let problem):
            object["digits"] = Self.jsonValue(try? RussianCompanyNumber.normalizedDigits(input))
            object["problem"] = problem.code
            object["reason"] = problem.description
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A string, or JSON null.
    private static func jsonValue(_ value: String?) -> Any {
        if let value { return value }
        return NSNull()
    }
}
