import Dispatch
import EWSFake
import Foundation

/// Checks the requests the EWS client sent against Microsoft's schema, with the validator
/// EWSSchemaTests uses (`scripts/ews_validate.py`, `../shared/ews-schema`). Loading the schema
/// takes the validator seconds, so the bodies of tests that finish within half a second of each
/// other go to one run. Without the schema the check throws, naming the missing path: it never
/// passes by skipping.
actor EWSSchemaBatch {
    static let shared = EWSSchemaBatch()

    struct SchemaMissing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "EWS schema missing: \(path) (../shared/ews-schema beside the clone, or SMARTYSALES_EWS_SCHEMA)"
        }
    }

    struct ValidatorFailed: Error, CustomStringConvertible {
        let output: String
        var description: String { "scripts/ews_validate.py could not run:\n\(output)" }
    }

    private struct Submission {
        let files: [String]
        let continuation: CheckedContinuation<[String: [String]], any Error>
    }

    private var pending: [Submission] = []
    private var flushScheduled = false

    /// What the schema says is wrong with each body, as `request N (Operation): problem`; empty
    /// when every body is valid.
    func problems(in bodies: [[UInt8]]) async throws -> [String] {
        guard !bodies.isEmpty else { return [] }
        let schema = EWSSchemaTests.schemaDirectory.appendingPathComponent("messages.xsd").path
        guard FileManager.default.fileExists(atPath: schema) else { throw SchemaMissing(path: schema) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ews-requests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [String] = []
        for (index, body) in bodies.enumerated() {
            let file = directory.appendingPathComponent("request-\(index).xml")
            try Data(body).write(to: file)
            files.append(file.path)
        }
        let results: [String: [String]] = try await withCheckedThrowingContinuation { continuation in
            pending.append(Submission(files: files, continuation: continuation))
            if !flushScheduled {
                flushScheduled = true
                Task { await self.flush() }
            }
        }
        var problems: [String] = []
        for (index, file) in files.enumerated() {
            let operation = FakeEWSServer.operationName(in: bodies[index]) ?? "?"
            for problem in results[file] ?? [] {
                problems.append("request \(index) (\(operation)): \(problem)")
            }
        }
        return problems
    }

    private func flush() async {
        try? await Task.sleep(for: .milliseconds(500))
        let batch = pending
        pending = []
        flushScheduled = false
        do {
            let results = try await Self.validate(batch.flatMap(\.files))
            for submission in batch { submission.continuation.resume(returning: results) }
        } catch {
            for submission in batch { submission.continuation.resume(throwing: error) }
        }
    }

    /// Runs the validator (off the cooperative threads: `EWSSchemaTests.runValidator`) and reads
    /// its report: `valid PATH`, or `INVALID PATH` followed by indented problems.
    private static func validate(_ files: [String]) async throws -> [String: [String]] {
        let schema = EWSSchemaTests.schemaDirectory
        let run = try await EWSSchemaTests.runValidator(schema: schema, files: files)
        guard run.status == 0 || run.status == 1 else { throw ValidatorFailed(output: run.output) }
        var problems: [String: [String]] = [:]
        var current: String?
        for line in run.output.split(separator: "\n") {
            if line.hasPrefix("INVALID ") {
                let file = String(line.dropFirst("INVALID ".count))
                current = file
                problems[file, default: []] += []
            } else if line.hasPrefix("valid ") {
                current = nil
            } else if line.hasPrefix("  "), let file = current {
                problems[file, default: []].append(line.trimmingCharacters(in: .whitespaces))
            }
        }
        for (file, list) in problems where list.isEmpty {
            problems[file] = ["invalid (no reason given)"]
        }
        if run.status == 1, problems.isEmpty {
            throw ValidatorFailed(output: run.output)
        }
        return problems
    }
}
