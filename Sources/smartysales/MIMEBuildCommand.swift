import ArgumentParser
import Foundation
import MIME

extension MIMECommand {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a message from a JSON description on standard input and write its raw bytes (CRLF lines) to standard output.",
            discussion: """
                The description is one JSON object: "from" {"name", "address"}; "to", "cc", "bcc", "reply_to": \
                lists of {"name", "address"} ("name" optional); "subject"; "text"; "html"; "attachments": list of \
                {"filename", "content_type", "data_base64"}; "in_reply_to", "references": lists of message ids \
                without angle brackets; "parent_base64": a raw message being answered, which sets In-Reply-To, \
                References, the "Re:" subject and, when "to" is empty, the recipient; "headers": list of \
                {"name", "value"}; "message_id" (generated when absent); "date" (ISO 8601, now when absent); \
                "allow_8bit": whether the server announced 8BITMIME. Bcc never appears in the output.
                """)

        func run() throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let description: MessageDescription
            do {
                description = try JSONDecoder().decode(MessageDescription.self, from: input)
            } catch {
                throw ValidationError("standard input is not a message description: \(error)")
            }
            let builder = MessageBuilder(allows8bit: description.allow8bit ?? false)
            FileHandle.standardOutput.write(Data(builder.build(try description.outgoingMessage())))
        }
    }
}

/// The JSON `mime build` reads; addresses are shaped like the ones `mime inspect` prints.
struct MessageDescription: Decodable {
    struct Address: Decodable {
        var name: String?
        var address: String

        var mailAddress: MailAddress { MailAddress(name: name, address: address) }
    }

    struct Attachment: Decodable {
        var filename: String
        var contentType: String?
        var dataBase64: String

        enum CodingKeys: String, CodingKey {
            case filename
            case contentType = "content_type"
            case dataBase64 = "data_base64"
        }
    }

    struct Header: Decodable {
        var name: String
        var value: String
    }

    var from: Address
    var to: [Address]?
    var cc: [Address]?
    var bcc: [Address]?
    var replyTo: [Address]?
    var subject: String?
    var text: String?
    var html: String?
    var attachments: [Attachment]?
    var inReplyTo: [String]?
    var references: [String]?
    var parentBase64: String?
    var headers: [Header]?
    var messageID: String?
    var date: String?
    var allow8bit: Bool?

    enum CodingKeys: String, CodingKey {
        case from, to, cc, bcc, subject, text, html, attachments, references, headers, date
        case replyTo = "reply_to"
        case inReplyTo = "in_reply_to"
        case parentBase64 = "parent_base64"
        case messageID = "message_id"
        case allow8bit = "allow_8bit"
    }

    func outgoingMessage() throws -> OutgoingMessage {
        let files = try (attachments ?? []).map { attachment in
            guard let data = Data(base64Encoded: attachment.dataBase64) else {
                throw ValidationError("attachment \(attachment.filename): data_base64 is not base64")
            }
            return OutgoingMessage.Attachment(
                filename: attachment.filename, contentType: attachment.contentType ?? "application/octet-stream", data: Array(data))
        }
        var sent = Date()
        if let date {
            guard let parsed = ISO8601DateFormatter().date(from: date) else { throw ValidationError("date is not ISO 8601: \(date)") }
            sent = parsed
        }
        let message = OutgoingMessage(
            from: from.mailAddress,
            to: (to ?? []).map(\.mailAddress),
            cc: (cc ?? []).map(\.mailAddress),
            bcc: (bcc ?? []).map(\.mailAddress),
            replyTo: (replyTo ?? []).map(\.mailAddress),
            subject: subject ?? "",
            textBody: text ?? "",
            htmlBody: html,
            attachments: files,
            inReplyTo: inReplyTo ?? [],
            references: references ?? [],
            extraHeaders: (headers ?? []).map { OutgoingMessage.Header(name: $0.name, value: $0.value) },
            messageID: messageID,
            date: sent)
        guard let parentBase64 else { return message }
        guard let parent = Data(base64Encoded: parentBase64) else { throw ValidationError("parent_base64 is not base64") }
        return message.replying(to: MessageSummary(parsing: Array(parent)))
    }
}
