import Foundation
import MIME
import Testing
@testable import MailProtocols

/// Every request the EWS client builds, validated against Microsoft's own schema
/// (`../shared/ews-schema/messages.xsd`) by `scripts/ews_validate.py` with Python xmlschema:
/// element order is the classic EWS mistake, and Exchange answers it only with
/// ErrorSchemaValidation at run time. The schema must be there: without it the test fails
/// naming the path, it never skips.
@Suite struct EWSSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var schemaDirectory: URL {
        if let configured = ProcessInfo.processInfo.environment["SMARTYSALES_EWS_SCHEMA"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        return repository.appendingPathComponent("../shared/ews-schema").standardizedFileURL
    }

    /// One of each request, with the inputs that change its shape (a window or none, a sync
    /// state or none, set and cleared categories, HTML and plain text, Cc, Bcc, Reply-To,
    /// attachments, threading ids, a folder well-known or by id, searched shallow or deep).
    static func builtRequests() -> [String: EWSRequest] {
        let sender = MailAddress(name: "Анна Петрова", address: "anna@romashka.ru")
        let full = OutgoingMessage(
            from: sender, to: [MailAddress(name: "Борис", address: "boris@example.ru")], cc: [MailAddress(name: nil, address: "cc@example.ru")],
            bcc: [MailAddress(name: nil, address: "archive@romashka.ru")], replyTo: [sender], subject: "Предложение <& \"кавычки\">",
            textBody: "Добрый день!\nЦены во вложении.", htmlBody: "<p>Добрый день!</p>",
            attachments: [.init(filename: "Прайс 2026.pdf", contentType: "application/pdf", data: Array(repeating: 0x25, count: 300))],
            inReplyTo: ["parent@example.ru"], references: ["root@example.ru", "parent@example.ru"], messageID: "sent-1@romashka.ru")
        let plain = OutgoingMessage(from: sender, to: [MailAddress(name: nil, address: "boris@example.ru")], subject: "Hello", textBody: "Text only")
        let item = EWSItemID(id: "AAMkADk1ZjE=", changeKey: "CQAAABYAAAB")
        return [
            "find-first-page": .findItem(),
            "find-last-30-days": .findItem(receivedAfter: Date(timeIntervalSince1970: 1_767_225_600), offset: 250, pageSize: 250),
            "get-items": .getItems([item, EWSItemID(id: "AAMkADk2ZjE=")]),
            "sync-first": .syncFolderItems(syncState: nil),
            "sync-next": .syncFolderItems(syncState: "H4sIAAAAAAAEAO29B2AcSZYl", maxChanges: 100),
            "update-categories": .updateCategories([
                .init(item: item, categories: ["Lead", "Клиент"]),
                .init(item: EWSItemID(id: "AAMkMeeting=", changeKey: "CQ2"), kind: .meetingRequest, categories: ["Lead"]),
                .init(item: EWSItemID(id: "AAMkClear=", changeKey: "CQ3"), categories: []),
            ]),
            "send-mime-full": .sendMessage(full),
            "send-mime-plain": .sendMessage(plain),
            "draft-full": .createDraft(full),
            "draft-plain": .createDraft(plain),
            "create-attachments": .createAttachments(full.attachments, to: item),
            "send-draft": .sendDraft(item),
            "find-folder-top": .findFolders(named: "Счета", in: .distinguished(.messageFolderRoot), traversal: .shallow),
            "find-folder-deep": .findFolders(named: "Архив \"2025\" & <старое>", in: .id(EWSFolderID(id: "AAMkFolder1=")), traversal: .deep),
            "get-folder": .getFolder(.inbox),
            "move-to-folder": .moveItems([item, EWSItemID(id: "AAMkADk2ZjE=")], to: .id(EWSFolderID(id: "AAMkFolder1="))),
            "move-to-drafts": .moveItems([item], to: .distinguished(.drafts)),
        ]
    }

    @Test func everyRequestValidatesAgainstMicrosoftsSchema() async throws {
        let schema = Self.schemaDirectory
        try #require(
            FileManager.default.fileExists(atPath: schema.appendingPathComponent("messages.xsd").path),
            "EWS schema missing: \(schema.appendingPathComponent("messages.xsd").path) (../shared/ews-schema beside the clone, or SMARTYSALES_EWS_SCHEMA)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ews-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var files: [String] = []
        for (name, request) in Self.builtRequests().sorted(by: { $0.key < $1.key }) {
            let file = directory.appendingPathComponent(name + ".xml")
            try Data(request.body).write(to: file)
            files.append(file.path)
        }
        // A control the validator must refuse, so this test cannot pass with a validator that
        // accepts everything: SyncFolderItems with MaxChangesReturned before SyncFolderId.
        let control = directory.appendingPathComponent("control-wrong-order.xml")
        let sync = EWSRequest.syncFolderItems(syncState: nil).xml
        let wrongOrder = Self.swapping("<m:SyncFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:SyncFolderId>", "<m:MaxChangesReturned>512</m:MaxChangesReturned>", in: sync)
        try #require(wrongOrder != sync)
        try Data(wrongOrder.utf8).write(to: control)

        let valid = try await Self.runValidator(schema: schema, files: files)
        #expect(valid.status == 0, "schema violations:\n\(valid.output)")
        let invalid = try await Self.runValidator(schema: schema, files: [control.path])
        #expect(invalid.status == 1, "the wrong-order control was not refused:\n\(invalid.output)")
        #expect(invalid.output.contains("MaxChangesReturned"))
    }

    /// `text` with `first` and the later `second` trading places.
    static func swapping(_ first: String, _ second: String, in text: String) -> String {
        guard let firstRange = text.range(of: first), let secondRange = text.range(of: second), firstRange.upperBound <= secondRange.lowerBound else {
            return text
        }
        return String(text[..<firstRange.lowerBound]) + second + String(text[firstRange.upperBound..<secondRange.lowerBound]) + first
            + String(text[secondRange.upperBound...])
    }

    /// The validator, run on a thread of its own: loading Microsoft's schema takes it seconds,
    /// and waiting for it on one of the cooperative pool's threads (two on a two-core machine)
    /// stalled every other test of the run meanwhile.
    static func runValidator(schema: URL, files: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runValidatorBlocking(schema: schema, files: files) })
            }
        }
    }

    private static func runValidatorBlocking(schema: URL, files: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repository.appendingPathComponent("scripts/ews_validate.py").path, "--schema", schema.path] + files
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
