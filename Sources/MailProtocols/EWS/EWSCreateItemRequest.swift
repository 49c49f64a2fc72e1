import Foundation
import MIME

extension EWSRequest {
    /// Sends `message` in one call and keeps a copy in Sent Items: CreateItem with
    /// `MessageDisposition="SendAndSaveCopy"` (required for sending) and the exact bytes
    /// MessageBuilder makes as `t:MimeContent`, so the text, attachments, Message-ID and
    /// threading headers are the ones SMTP would have sent. Bcc is never in the MIME, so it
    /// travels as BccRecipients; InReplyTo and References are also set as properties so
    /// Outlook threads the copy in Sent Items whatever the server makes of the headers.
    public static func sendMessage(_ message: OutgoingMessage, builder: MessageBuilder = MessageBuilder()) -> EWSRequest {
        let mime = Data(builder.build(message)).base64EncodedString()
        return EWSRequest(operation: "CreateItem", attributes: ["MessageDisposition": "SendAndSaveCopy"]) { request in
            request.element("m:SavedItemFolderId") { folder in
                folder.distinguishedFolder(.sentItems)
            }
            request.element("m:Items") { items in
                items.element("t:Message") { item in
                    // ItemType fields (MimeContent … InReplyTo) come before MessageType fields
                    // (BccRecipients … References): the schema's order, checked by the schema test.
                    item.element("t:MimeContent", mime, ["CharacterSet": "UTF-8"])
                    if let inReplyTo = EWSMessageIDs.headerValue(message.inReplyTo) { item.element("t:InReplyTo", inReplyTo) }
                    item.mailboxes("t:BccRecipients", message.bcc)
                    if let references = EWSMessageIDs.headerValue(message.references) { item.element("t:References", references) }
                }
            }
        }
    }

    /// The three-step way to send, for servers or policies that refuse MIME content: save
    /// `message` as a draft (CreateItem SaveOnly in Drafts) without its attachments, add them
    /// with `createAttachments`, then `sendDraft`. The Message-ID is set as
    /// PR_INTERNET_MESSAGE_ID (0x1035) so a reply can be linked to what we sent.
    public static func createDraft(_ message: OutgoingMessage) -> EWSRequest {
        EWSRequest(operation: "CreateItem", attributes: ["MessageDisposition": "SaveOnly"]) { request in
            request.element("m:SavedItemFolderId") { folder in
                folder.distinguishedFolder(.drafts)
            }
            request.element("m:Items") { items in
                items.element("t:Message") { item in
                    // ItemType: Subject, Body, InReplyTo, ExtendedProperty; then MessageType:
                    // To, Cc, Bcc, References, ReplyTo.
                    item.element("t:Subject", message.subject)
                    if let html = message.htmlBody {
                        item.element("t:Body", html, ["BodyType": "HTML"])
                    } else {
                        item.element("t:Body", message.textBody, ["BodyType": "Text"])
                    }
                    if let inReplyTo = EWSMessageIDs.headerValue(message.inReplyTo) { item.element("t:InReplyTo", inReplyTo) }
                    if let messageID = EWSMessageIDs.headerValue([message.messageID]) {
                        item.element("t:ExtendedProperty") { property in
                            property.empty("t:ExtendedFieldURI", ["PropertyTag": "0x1035", "PropertyType": "String"])
                            property.element("t:Value", messageID)
                        }
                    }
                    item.mailboxes("t:ToRecipients", message.to)
                    item.mailboxes("t:CcRecipients", message.cc)
                    item.mailboxes("t:BccRecipients", message.bcc)
                    if let references = EWSMessageIDs.headerValue(message.references) { item.element("t:References", references) }
                    item.mailboxes("t:ReplyTo", message.replyTo)
                }
            }
        }
    }

    /// Adds files to the draft `parent` (its id and current ChangeKey, from the CreateItem
    /// reply). The reply's RootItemChangeKey is the one `sendDraft` needs.
    public static func createAttachments(_ attachments: [OutgoingMessage.Attachment], to parent: EWSItemID) -> EWSRequest {
        EWSRequest(operation: "CreateAttachment") { request in
            request.itemID(parent, element: "m:ParentItemId")
            request.element("m:Attachments") { list in
                for attachment in attachments {
                    list.element("t:FileAttachment") { file in
                        file.element("t:Name", attachment.filename)
                        file.element("t:ContentType", attachmentMediaType(attachment.contentType))
                        file.element("t:Content", Data(attachment.data).base64EncodedString())
                    }
                }
            }
        }
    }

    /// Sends the draft and moves it to Sent Items. `draft` must carry its latest ChangeKey.
    public static func sendDraft(_ draft: EWSItemID) -> EWSRequest {
        EWSRequest(operation: "SendItem", attributes: ["SaveItemToFolder": "true"]) { request in
            request.element("m:ItemIds") { ids in
                ids.itemID(draft)
            }
            request.element("m:SavedItemFolderId") { folder in
                folder.distinguishedFolder(.sentItems)
            }
        }
    }

    /// The declared `type/subtype` when it is one, else application/octet-stream, as the MIME
    /// path writes it.
    static func attachmentMediaType(_ declared: String) -> String {
        let lower = declared.trimmingCharacters(in: .whitespaces).lowercased()
        let halves = lower.split(separator: "/", omittingEmptySubsequences: false)
        let isToken = { (part: Substring) in
            !part.isEmpty && part.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !"()<>@,;:\\\"/[]?=".utf8.contains($0) }
        }
        return halves.count == 2 && halves.allSatisfy(isToken) ? lower : "application/octet-stream"
    }
}
