import Foundation
import Testing
@testable import MailProtocols

// The response parser on transcripts the project wrote from Gmail's documented replies and from
// what Dovecot 2.3 sends, fed through the real framer (lines and literals) without a network.

@Suite struct IMAPParserTests {
    // MARK: Gmail

    @Test func gmailCapabilitiesAfterLogin() async throws {
        let data = try await IMAPTranscript.untagged(
            "* CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS COMPRESS=DEFLATE ENABLE MOVE CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584")
        guard case .capability(let names) = data else { Issue.record("not CAPABILITY: \(data)"); return }
        let capabilities = IMAPCapabilities(names)
        #expect(capabilities.isGmail)
        #expect(capabilities.contains("utf8=accept"))
        #expect(capabilities.contains("APPENDLIMIT=35651584"))
        #expect(capabilities.allowsNonSynchronizingLiteral(ofSize: 4096))
        #expect(!capabilities.allowsNonSynchronizingLiteral(ofSize: 4097))
    }

    @Test func gmailLabelsQuotedAndEscaped() async throws {
        let message = try await IMAPTranscript.fetched(
            #"* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334865 X-GM-LABELS ("\\Important" "Custom Label") UID 5 FLAGS (\Seen))"#)
        #expect(message.gmailLabels == [#"\Important"#, "Custom Label"])
        #expect(message.gmailMessageID == 1_278_455_344_230_334_865)
        #expect(message.gmailThreadID == 1_278_455_344_230_334_865)
        #expect(message.uid == 5)
        #expect(message.flags == [#"\Seen"#])
        #expect(message.sequenceNumber == 1)
    }

    @Test func gmailLabelsAsBareAtoms() async throws {
        let message = try await IMAPTranscript.fetched(#"* 3 FETCH (X-GM-LABELS (\Important "Custom Label") UID 5)"#)
        #expect(message.gmailLabels == [#"\Important"#, "Custom Label"])
        #expect(message.sequenceNumber == 3)
    }

    @Test func gmailLabelNamesInModifiedUTF7OrUTF8() async throws {
        let encoded = try await IMAPTranscript.fetched(#"* 4 FETCH (UID 9 X-GM-LABELS (\Inbox "&BBoEOwQ4BDUEPQRCBEs-" "R&-D"))"#)
        #expect(encoded.gmailLabels == [#"\Inbox"#, "Клиенты", "R&D"])
        let raw = try await IMAPTranscript.fetched(#"* 4 FETCH (UID 9 X-GM-LABELS ("Клиенты" ""))"#, namesAreUTF8: true)
        #expect(raw.gmailLabels == ["Клиенты", ""])
        let empty = try await IMAPTranscript.fetched("* 4 FETCH (UID 9 X-GM-LABELS ())")
        #expect(empty.gmailLabels == [])
    }

    @Test func gmailExtendedSearch() async throws {
        let data = try await IMAPTranscript.untagged(#"* ESEARCH (TAG "A5") UID ALL 1:3,5,7:9"#)
        guard case .extendedSearch(let result) = data else { Issue.record("not ESEARCH: \(data)"); return }
        #expect(result.tag == "A5")
        #expect(result.isUID)
        #expect(result.all?.numbers() == [1, 2, 3, 5, 7, 8, 9])

        let nothing = try await IMAPTranscript.untagged(#"* ESEARCH (TAG "A6") UID"#)
        #expect(nothing == .extendedSearch(IMAPExtendedSearch(tag: "A6", isUID: true)))

        let counted = try await IMAPTranscript.untagged(#"* ESEARCH (TAG "A7") UID MIN 4 MAX 90 COUNT 12 MODSEQ 817"#)
        #expect(counted == .extendedSearch(IMAPExtendedSearch(tag: "A7", isUID: true, min: 4, max: 90, count: 12, modSeq: 817)))
    }

    @Test func gmailThrottledComesAfterTheText() async throws {
        let response = try await IMAPTranscript.response("A7 OK Success [THROTTLED]")
        guard case .tagged(let tag, let status) = response else { Issue.record("not tagged: \(response)"); return }
        #expect(tag == "A7")
        #expect(status.status == .ok)
        #expect(status.isThrottled)
        #expect(status.text == "Success [THROTTLED]")

        let coded = try await IMAPTranscript.response("A8 NO [THROTTLED] Too many simultaneous connections")
        guard case .tagged(_, let refused) = coded else { Issue.record("not tagged: \(coded)"); return }
        #expect(refused.code == .throttled)
        #expect(refused.isThrottled)
    }

    @Test func gmailAuthenticationFailures() async throws {
        let wrong = try await IMAPTranscript.response("A2 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")
        #expect(wrong == .tagged(tag: "A2", IMAPStatusResponse(status: .no, code: .authenticationFailed, text: "Invalid credentials (Failure)")))
        let appPassword = try await IMAPTranscript.response(
            "A2 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)")
        guard case .tagged(_, let status) = appPassword else { Issue.record("not tagged"); return }
        #expect(status.code == .alert)
        #expect(status.text.hasPrefix("Application-specific password required"))
    }

    @Test func gmailID() async throws {
        let data = try await IMAPTranscript.untagged(
            #"* ID ("name" "GImap" "vendor" "Google, Inc." "support-url" NIL)"#)
        #expect(data == .id(["name": "GImap", "vendor": "Google, Inc."]))
        #expect(try await IMAPTranscript.untagged("* ID NIL") == .id([:]))
    }

    // MARK: Literals, strings, NIL

    @Test func headerLiteralAndPartialBodyWindow() async throws {
        let message = try await IMAPTranscript.fetched(
            #"* 12 FETCH (UID 42 FLAGS (\Seen $Lead) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 BODY[HEADER] {27}"#,
            "Subject: hi",
            "From: a@b.ru",
            #" BODY[1.1]<0> {5}"#,
            #"0J/Rg BODY[2] NIL MODSEQ (917162500))"#)
        #expect(message.uid == 42)
        #expect(message.flags == [#"\Seen"#, "$Lead"])
        #expect(message.internalDate == Date(timeIntervalSince1970: 837_596_665))
        #expect(message.size == 4286)
        #expect(message.headers == Array("Subject: hi\r\nFrom: a@b.ru\r\n".utf8))
        #expect(message.sections["1.1"] == Array("0J/Rg".utf8))
        #expect(message.sections["2"] == nil)
        #expect(message.modSeq == 917_162_500)
    }

    @Test func quotedStringsWithEscapesAndEmptyLiteral() async throws {
        let data = try await IMAPTranscript.untagged(#"* LIST (\HasNoChildren) "/" "Say \"hi\" \\ bye""#)
        #expect(data == .list(IMAPListing(attributes: [#"\HasNoChildren"#], delimiter: UInt8(ascii: "/"), rawName: Array(#"Say "hi" \ bye"#.utf8))))
        let literalName = try await IMAPTranscript.untagged("* LIST () NIL {0}", "")
        #expect(literalName == .list(IMAPListing(attributes: [], delimiter: nil, rawName: [])))
    }

    @Test func headerFieldsSectionKeepsItsSpecifier() async throws {
        let message = try await IMAPTranscript.fetched(
            "* 2 FETCH (UID 8 BODY[HEADER.FIELDS (SUBJECT FROM)] {12}", "Subject: x", " )")
        #expect(message.sections["HEADER.FIELDS (SUBJECT FROM)"] == Array("Subject: x\r\n".utf8))
    }

    @Test func dovecotFetchAsSentByDovecot() async throws {
        // Recorded from Dovecot 2.3.19 (lower-case BODYSTRUCTURE, MODSEQ after CONDSTORE).
        let message = try await IMAPTranscript.fetched(
            #"* 1 FETCH (UID 1 FLAGS (\Seen \Recent $Lead) INTERNALDATE "29-Nov-2026 09:19:47 +0000" RFC822.SIZE 214 MODSEQ (3) BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "base64" 16 0 NIL NIL NIL NIL)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 8 0 NIL NIL NIL NIL) "alternative" ("boundary" "b") NIL NIL NIL) BODY[HEADER] {64}"#,
            "Subject: hi",
            "Content-Type: multipart/alternative; boundary=b",
            "",
            " BODY[1]<0> {5}",
            "0J/Rg)")
        #expect(message.internalDate == Date(timeIntervalSince1970: 1_795_943_987))
        #expect(message.modSeq == 3)
        let structure = try #require(message.bodyStructure)
        #expect(structure.mimeType == "multipart/alternative")
        #expect(structure.parameters["boundary"] == "b")
        #expect(structure.parts.map(\.section) == ["1", "2"])
        let part = try #require(message.textPart)
        #expect(part == TextPart(section: "1", isHTML: false, charset: "utf-8", transferEncoding: "base64", size: 16))
        #expect(message.headers?.count == 64)
        #expect(message.sections["1"] == Array("0J/Rg".utf8))
    }

    // MARK: BODYSTRUCTURE and the text part

    static let mixedWithAttachment =
        #"* 7 FETCH (UID 70 BODYSTRUCTURE ((("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "BASE64" 1152 15 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 3000 40 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "alt") NIL NIL NIL)("APPLICATION" "PDF" ("NAME" "=?utf-8?B?0YHRh9GR0YIucGRm?=") NIL NIL "BASE64" 50000 NIL ("ATTACHMENT" ("FILENAME" "schet.pdf")) NIL NIL) "MIXED" ("BOUNDARY" "mix") NIL NIL NIL))"#

    @Test func nestedMultipartWithAttachment() async throws {
        let message = try await IMAPTranscript.fetched(Self.mixedWithAttachment)
        let structure = try #require(message.bodyStructure)
        #expect(structure.mimeType == "multipart/mixed")
        #expect(structure.section == "")
        #expect(structure.parts.count == 2)
        let alternative = structure.parts[0]
        #expect(alternative.mimeType == "multipart/alternative")
        #expect(alternative.section == "1")
        #expect(alternative.parts.map(\.section) == ["1.1", "1.2"])
        #expect(alternative.parts[0].lineCount == 15)
        let attachment = structure.parts[1]
        #expect(attachment.mimeType == "application/pdf")
        #expect(attachment.section == "2")
        #expect(attachment.disposition == "attachment")
        #expect(attachment.dispositionParameters["filename"] == "schet.pdf")
        #expect(attachment.size == 50000)
        #expect(message.textPart == TextPart(section: "1.1", isHTML: false, charset: "UTF-8", transferEncoding: "base64", size: 1152))
    }

    @Test func htmlIsChosenWhenThereIsNoPlainTextAndTextAttachmentsAreSkipped() async throws {
        let message = try await IMAPTranscript.fetched(
            #"* 1 FETCH (UID 2 BODYSTRUCTURE (("text" "plain" ("charset" "utf-8" "name" "notes.txt") NIL NIL "7bit" 10 1 NIL ("attachment" ("filename" "notes.txt")) NIL NIL)("text" "html" ("charset" "windows-1251") NIL NIL "quoted-printable" 400 9 NIL NIL NIL NIL) "mixed" ("boundary" "x") NIL NIL NIL))"#)
        #expect(message.textPart == TextPart(section: "2", isHTML: true, charset: "windows-1251", transferEncoding: "quoted-printable", size: 400))
    }

    @Test func singlePartMessageIsPartOne() async throws {
        let message = try await IMAPTranscript.fetched(
            #"* 1 FETCH (UID 3 BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "KOI8-R") NIL NIL "8BIT" 120 4 NIL NIL NIL NIL))"#)
        #expect(message.textPart == TextPart(section: "1", isHTML: false, charset: "KOI8-R", transferEncoding: "8bit", size: 120))
    }

    @Test func attachedMessageIsNotLookedInto() async throws {
        // A forwarded message (message/rfc822) holds text of its own; this message's text is
        // the plain part before it. Inside the attached message, parts are numbered 2.1, 2.2.
        let message = try await IMAPTranscript.fetched(
            #"* 1 FETCH (UID 4 BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 20 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 900 ("Mon, 1 Jan 2024 10:00:00 +0300" "Fwd" NIL NIL NIL NIL NIL NIL NIL "<x@y>") (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 30 2 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 60 2 NIL NIL NIL NIL) "alternative" ("boundary" "in") NIL NIL NIL) 25 NIL ("inline" NIL) NIL NIL) "mixed" ("boundary" "out") NIL NIL NIL))"#)
        let structure = try #require(message.bodyStructure)
        let forwarded = structure.parts[1]
        #expect(forwarded.mimeType == "message/rfc822")
        #expect(forwarded.lineCount == 25)
        #expect(forwarded.parts.first?.parts.map(\.section) == ["2.1", "2.2"])
        #expect(message.textPart?.section == "1")
    }

    @Test func textPartWindowCutMidCharacterDecodesCleanly() {
        let full = "Привет, мир! Это тест."
        let encoded = Array("0J/RgNC40LLQtdGCLCDQvNC40YAhINCt0YLQviDRgtC10YHRgi4=".utf8)
        let part = TextPart(section: "1", isHTML: false, charset: "utf-8", transferEncoding: "base64", size: encoded.count)
        #expect(part.decodedText(from: encoded, isCut: false) == full)
        for cut in 1..<encoded.count {
            let text = part.decodedText(from: Array(encoded[..<cut]), isCut: true)
            #expect(full.hasPrefix(text), "cut at \(cut) gave \(text)")
            #expect(!text.contains("\u{FFFD}"))
        }
        let html = TextPart(section: "2", isHTML: true, charset: "windows-1251", transferEncoding: "quoted-printable", size: 100)
        let reduced = html.decodedText(from: Array("<p>=CF=F0=E8=E2=E5=F2</p>=C".utf8), isCut: true)
        #expect(reduced.trimmingCharacters(in: .whitespacesAndNewlines) == "Привет")
    }

    // MARK: Mailboxes, SELECT, status responses

    @Test func modifiedUTF7MailboxNames() async throws {
        let data = try await IMAPTranscript.untagged(#"* LIST (\HasNoChildren) "/" &BB8EQAQ4BDIENQRC-"#)
        guard case .list(let listing) = data else { Issue.record("not LIST"); return }
        #expect(ModifiedUTF7.decode(listing.rawName) == "Привет")
        #expect(ModifiedUTF7.encode("Привет") == "&BB8EQAQ4BDIENQRC-")
        #expect(ModifiedUTF7.encode("[Gmail]/Вся почта") == "[Gmail]/&BBIEQQRP- &BD8EPgRHBEIEMA-")
        #expect(ModifiedUTF7.encode("Отправленные") == "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-")
        #expect(ModifiedUTF7.encode("R&D отдел") == "R&-D &BD4EQgQ0BDUEOw-")
        for name in ["Привет", "[Gmail]/Вся почта", "R&D отдел", "Входящие/2024 😀", "&", "plain"] {
            #expect(ModifiedUTF7.decode(Array(ModifiedUTF7.encode(name).utf8)) == name)
        }
        #expect(ModifiedUTF7.decode(Array("&BB8".utf8)) == nil)  // unterminated
        #expect(ModifiedUTF7.decode(Array("Привет".utf8)) == nil)  // raw 8-bit
        #expect(ModifiedUTF7.decodeName(Array("Привет".utf8), namesAreUTF8: false) == "Привет")
    }

    @Test func gmailSpecialUseListing() async throws {
        let responses = try await IMAPTranscript.responses([
            #"* LIST (\HasNoChildren) "/" "INBOX""#,
            #"* LIST (\HasChildren \Noselect) "/" "[Gmail]""#,
            #"* LIST (\All \HasNoChildren) "/" "[Gmail]/&BBIEQQRP- &BD8EPgRHBEIEMA-""#,
            #"* LIST (\HasNoChildren \Sent) "/" "[Gmail]/&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-""#,
            "A4 OK Success",
        ])
        let listings = responses.compactMap { response -> IMAPMailbox? in
            guard case .untagged(.list(let listing)) = response else { return nil }
            return IMAPMailbox(name: ModifiedUTF7.decodeName(listing.rawName, namesAreUTF8: false),
                               delimiter: listing.delimiter.map { Character(Unicode.Scalar($0)) }, attributes: listing.attributes)
        }
        #expect(listings.first(withSpecialUse: .all)?.name == "[Gmail]/Вся почта")
        #expect(listings.first(withSpecialUse: .sent)?.name == "[Gmail]/Отправленные")
        #expect(listings.first(withSpecialUse: .trash) == nil)
        #expect(listings[1].isSelectable == false)
        #expect(listings[0].delimiter == "/")
    }

    @Test func selectReply() async throws {
        let responses = try await IMAPTranscript.responses([
            #"* FLAGS (\Answered \Flagged \Draft \Deleted \Seen $NotPhishing $Phishing)"#,
            #"* OK [PERMANENTFLAGS (\Answered \Flagged \Draft \Deleted \Seen $NotPhishing $Phishing \*)] Flags permitted."#,
            "* OK [UIDVALIDITY 3857529045] UIDs valid.",
            "* 172 EXISTS",
            "* 0 RECENT",
            "* OK [UIDNEXT 4392] Predicted next UID.",
            "* OK [HIGHESTMODSEQ 1234567] ",
            "A3 OK [READ-WRITE] [Gmail]/All Mail selected. (Success)",
        ])
        #expect(responses[0] == .untagged(.flags([#"\Answered"#, #"\Flagged"#, #"\Draft"#, #"\Deleted"#, #"\Seen"#, "$NotPhishing", "$Phishing"])))
        guard case .untagged(.status(let permanent)) = responses[1], case .permanentFlags(let flags)? = permanent.code else {
            Issue.record("no PERMANENTFLAGS: \(responses[1])"); return
        }
        #expect(flags.last == #"\*"#)
        #expect(responses[2] == .untagged(.status(IMAPStatusResponse(status: .ok, code: .uidValidity(3_857_529_045), text: "UIDs valid."))))
        #expect(responses[3] == .untagged(.exists(172)))
        #expect(responses[4] == .untagged(.recent(0)))
        #expect(responses[5] == .untagged(.status(IMAPStatusResponse(status: .ok, code: .uidNext(4392), text: "Predicted next UID."))))
        #expect(responses[6] == .untagged(.status(IMAPStatusResponse(status: .ok, code: .highestModSeq(1_234_567), text: ""))))
        #expect(responses[7] == .tagged(tag: "A3", IMAPStatusResponse(status: .ok, code: .readWrite, text: "[Gmail]/All Mail selected. (Success)")))
    }

    @Test func greetingCodesEnabledStatusAndVanished() async throws {
        let responses = try await IMAPTranscript.responses([
            "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.",
            "* PREAUTH [CAPABILITY IMAP4rev1] logged in as you",
            "* BYE Logging out",
            "* ENABLED CONDSTORE UTF8=ACCEPT",
            "* STATUS INBOX (UIDNEXT 3 UIDVALIDITY 1795943975 MESSAGES 2)",
            "* VANISHED (EARLIER) 41,43:116",
            "* 3 EXPUNGE",
            "+ idling",
            "+",
            "A9 OK [APPENDUID 38505 3955] APPEND completed",
        ])
        guard case .untagged(.status(let greeting)) = responses[0], case .capability(let names)? = greeting.code else {
            Issue.record("no capabilities in the greeting"); return
        }
        #expect(names.contains("LOGINDISABLED"))
        #expect(greeting.text == "Dovecot (Debian) ready.")
        #expect(responses[1] == .untagged(.status(IMAPStatusResponse(status: .preauth, code: .capability(["IMAP4REV1"]), text: "logged in as you"))))
        #expect(responses[2] == .untagged(.status(IMAPStatusResponse(status: .bye, text: "Logging out"))))
        #expect(responses[3] == .untagged(.enabled(["CONDSTORE", "UTF8=ACCEPT"])))
        #expect(responses[4] == .untagged(.mailboxStatus(rawName: Array("INBOX".utf8), items: ["UIDNEXT": 3, "UIDVALIDITY": 1_795_943_975, "MESSAGES": 2])))
        #expect(responses[5] == .untagged(.vanished(earlier: true, uids: IMAPSequenceSet(ranges: [41...41, 43...116]))))
        #expect(responses[6] == .untagged(.expunge(3)))
        #expect(responses[7] == .continuation(Array("idling".utf8)))
        #expect(responses[8] == .continuation([]))
        #expect(responses[9] == .tagged(tag: "A9", IMAPStatusResponse(status: .ok, code: .appendUID(uidValidity: 38505, uids: IMAPSequenceSet([3955])), text: "APPEND completed")))
    }

    @Test func copyUIDInTheUntaggedOKOfMoveAndTheTaggedOKOfCopy() async throws {
        // MOVE: COPYUID in an untagged OK before the expunges (RFC 6851 §4.3), as Dovecot 2.3
        // sends it; COPY: in the tagged OK (RFC 4315's own example, ranges in both sets).
        let responses = try await IMAPTranscript.responses([
            "* OK [COPYUID 1795987380 1 1] Moved UIDs.",
            "* 1 EXPUNGE",
            "A9 OK Move completed (0.001 + 0.000 secs).",
            "A10 OK [COPYUID 38505 304,319:320 3956:3958] Done",
            "* OK [COPYUID 38505 1:2] without its second set",
        ])
        let moved = IMAPResponseCode.copyUID(uidValidity: 1_795_987_380, sourceUIDs: IMAPSequenceSet([1]), destinationUIDs: IMAPSequenceSet([1]))
        #expect(responses[0] == .untagged(.status(IMAPStatusResponse(status: .ok, code: moved, text: "Moved UIDs."))))
        #expect(responses[1] == .untagged(.expunge(1)))
        #expect(responses[2] == .tagged(tag: "A9", IMAPStatusResponse(status: .ok, text: "Move completed (0.001 + 0.000 secs).")))
        #expect(IMAPCopiedUIDs(moved) == IMAPCopiedUIDs(uidValidity: 1_795_987_380, newUIDs: [1: 1]))

        guard case .tagged(let tag, let copied) = responses[3] else { Issue.record("not tagged: \(responses[3])"); return }
        #expect(tag == "A10")
        #expect(copied.code == .copyUID(
            uidValidity: 38505, sourceUIDs: IMAPSequenceSet([304, 319, 320]), destinationUIDs: IMAPSequenceSet(ranges: [3956...3958])))
        #expect(copied.text == "Done")
        // Paired number by number, in the order written.
        #expect(IMAPCopiedUIDs(copied.code) == IMAPCopiedUIDs(uidValidity: 38505, newUIDs: [304: 3956, 319: 3957, 320: 3958]))

        // A code that does not parse stays in the text and tells nothing.
        guard case .untagged(.status(let broken)) = responses[4] else { Issue.record("not a status: \(responses[4])"); return }
        #expect(broken.code == nil)
        #expect(broken.text == "[COPYUID 38505 1:2] without its second set")
        // Sets of different sizes are not believed, and other codes are no COPYUID.
        #expect(IMAPCopiedUIDs(.copyUID(uidValidity: 7, sourceUIDs: IMAPSequenceSet([1, 2]), destinationUIDs: IMAPSequenceSet([5]))) == nil)
        #expect(IMAPCopiedUIDs(.appendUID(uidValidity: 7, uids: IMAPSequenceSet([5]))) == nil)
        #expect(IMAPCopiedUIDs(nil) == nil)
    }

    @Test func searchWithAndWithoutModSeq() async throws {
        #expect(try await IMAPTranscript.untagged("* SEARCH 2 84 882") == .search(uids: [2, 84, 882], modSeq: nil))
        #expect(try await IMAPTranscript.untagged("* SEARCH") == .search(uids: [], modSeq: nil))
        #expect(try await IMAPTranscript.untagged("* SEARCH 2 5 (MODSEQ 917162500)") == .search(uids: [2, 5], modSeq: 917_162_500))
    }

    @Test func unknownResponsesAreKeptNotRefused() async throws {
        let data = try await IMAPTranscript.untagged(#"* NAMESPACE (("" "/")) NIL NIL"#)
        #expect(data == .other(keyword: "NAMESPACE", values: [.list([.list([.string([]), .string([UInt8(ascii: "/")])])]), .nilValue, .nilValue]))
        let unknownItem = try await IMAPTranscript.fetched(#"* 1 FETCH (UID 1 X-UNKNOWN ("a" 2))"#)
        #expect(unknownItem.otherItems["X-UNKNOWN"] == .list([.string([UInt8(ascii: "a")]), .number(2)]))
    }

    // MARK: Broken input: a clear error, never a crash

    @Test(arguments: [
        ")(*&^ garbage",
        "* 1 FETCH (UID 1 FLAGS (\\Seen)",
        "* 1 FETCH (UID \"unterminated)",
        "A1 MAYBE done",
        "* 1 FETCH (UID 99999999999999999999999)",
        "* 1 FETCH (UID 1) trailing",
        "\u{1}\u{2}binary",
    ])
    func malformedLinesAreProtocolViolations(line: String) async throws {
        try await Self.expectProtocolViolation {
            _ = try await IMAPTranscript.responses([line])
        }
    }

    @Test func literalLongerThanAnnouncedIsAProtocolViolation() async throws {
        try await Self.expectProtocolViolation {
            _ = try await IMAPTranscript.responses(["* 1 FETCH (UID 1 BODY[HEADER] {5}", "abcdefgh)"])
        }
    }

    @Test func absurdLiteralIsRefusedBeforeReading() async throws {
        try await Self.expectProtocolViolation {
            _ = try await IMAPTranscript.responses(["* 1 FETCH (UID 1 BODY[] {99999999999}"])
        }
    }

    @Test func deepNestingIsRefusedNotOverflowed() async throws {
        let deep = "* 1 FETCH (UID 1 BODYSTRUCTURE " + String(repeating: "(", count: 5000) + String(repeating: ")", count: 5000) + ")"
        try await Self.expectProtocolViolation {
            _ = try await IMAPTranscript.responses([deep])
        }
    }

    @Test func truncatedTranscriptIsAClosedConnection() async throws {
        await #expect(throws: MailTransportError.closedByServer) {
            _ = try await IMAPTranscript.responses(["* 1 FETCH (UID 1 BODY[HEADER] {50}", "Subject: cut short"])
        }
    }

    // MARK: Small pieces

    @Test func sequenceSets() {
        #expect(IMAPSequenceSet([9, 1, 2, 3, 5, 7, 8, 3]).description == "1:3,5,7:9")
        #expect(IMAPSequenceSet(parsing: Array("9:7,1".utf8))?.ranges == [7...9, 1...1])
        #expect(IMAPSequenceSet(parsing: Array("1:*".utf8)) == nil)
        #expect(IMAPSequenceSet(ranges: [1...4_000_000_000]).numbers() == nil)
        #expect(IMAPSequenceSet([UInt32]()).description == "")
    }

    @Test func internalDates() {
        #expect(IMAPDate.parse(Array(" 5-Jul-2024 23:59:60 +0300".utf8)) != nil)
        #expect(IMAPDate.parse(Array("17-Jul-1996 02:44:25 -0700".utf8)) == Date(timeIntervalSince1970: 837_596_665))
        #expect(IMAPDate.parse(Array("17-Jux-1996 02:44:25 -0700".utf8)) == nil)
        #expect(IMAPDate.format(Date(timeIntervalSince1970: 837_596_665)) == "17-Jul-1996 09:44:25 +0000")
        #expect(IMAPDate.format(Date(timeIntervalSince1970: 0)) == "01-Jan-1970 00:00:00 +0000")
    }

    @Test func commandsQuoteWhenTheyCanAndUseLiteralsWhenTheyMust() {
        var command = IMAPCommand("LOGIN")
        command.addString("user@example.ru", utf8Allowed: false)
        command.addString(#"pa"ss\word"#, utf8Allowed: false)
        #expect(command.pieces == [.text(Array(#"LOGIN "user@example.ru" "pa\"ss\\word""#.utf8) + [13, 10])])

        var cyrillic = IMAPCommand("LOGIN")
        cyrillic.addString("пароль", utf8Allowed: false)
        #expect(cyrillic.pieces == [.text(Array("LOGIN ".utf8)), .literal(Array("пароль".utf8)), .text([13, 10])])

        var utf8 = IMAPCommand("SELECT")
        utf8.addString("Входящие", utf8Allowed: true)
        #expect(utf8.pieces == [.text(Array(#"SELECT "Входящие""#.utf8) + [13, 10])])

        var labels = IMAPCommand("UID STORE")
        labels.add("5 +X-GM-LABELS")
        labels.addList([.atom(#"\Important"#), .string(Array("Custom Label".utf8))], utf8Allowed: false)
        #expect(labels.pieces == [.text(Array(#"UID STORE 5 +X-GM-LABELS (\Important "Custom Label")"#.utf8) + [13, 10])])
    }

    private static func expectProtocolViolation(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let error = await #expect(throws: IMAPError.self, sourceLocation: sourceLocation) { try await body() }
        guard case .protocolViolation? = error else {
            Issue.record("expected a protocol violation, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
    }
}
