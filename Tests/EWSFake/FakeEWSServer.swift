import Foundation
import Hummingbird
import Logging
import MIME
import NIOCore
import Synchronization
@testable import MailProtocols

// A small Exchange Web Services server of our own for the EWS client's tests (MailProtocolsTests)
// and the inbox pipeline's over Exchange (WorkersTests): Hummingbird on
// 127.0.0.1 with a port the system picks, an in-memory mailbox (a folder tree with display names
// as a Russian mailbox has them, the inbox and Sent Items holding mail), and the operations the
// client uses, answered the way Exchange 2013–2019 documents them:
//
// - FindItem with IndexedPageItemView paging (newest first, an IsGreaterThan restriction on
//   DateTimeReceived), GetItem (ErrorItemNotFound, ErrorInvalidIdMalformed per item),
//   SyncFolderItems with opaque sync states (base64 of a position in the change log) and
//   MaxChangesReturned paging, ErrorInvalidSyncStateData for a state it never issued or has
//   forgotten, UpdateItem of categories with a ChangeKey check (a stale key is
//   ErrorIrresolvableConflict in a ResponseClass="Error" message), CreateItem SendAndSaveCopy
//   (the MIME is recorded and a copy put in Sent Items).
// - FindFolder, Shallow or Deep, with an IsEqualTo restriction on folder:DisplayName compared
//   without regard to case (no match is an empty RootFolder, TotalItemsInView="0"; a parent
//   that does not exist is ErrorFolderNotFound), GetFolder of a well-known folder, and MoveItem
//   (the item gets a new ItemId in the target folder, which the reply returns, and leaves the
//   inbox's change log as a Delete; ErrorItemNotFound, ErrorFolderNotFound per item).
// - Sign-in: Basic, and NTLM's three messages on one connection (the CHALLENGE carries target
//   info with a timestamp; the AUTHENTICATE is checked by recomputing the NTLMv2 proof and the
//   MIC from the known password), after which the connection stays signed in.
// - Scripted faults for the next request (of an operation): ErrorServerBusy with
//   BackOffMilliseconds, an HTML sign-in page with 200, a 302 to /owa/auth/logon.aspx, a reply
//   cut off mid-XML, a connection dropped after the request was processed.
// - Every request to the EWS URL is recorded, body included, so tests can check each against
//   Microsoft's schema (`soapRequestBodies`), and how many ran at once.
//
// Request bodies are read with the client's own XML reader (`EWSXMLDocument`): the fake checks
// what it needs (operation, ids, attributes) and leaves grammar to the schema check.

/// The request context of the fake: which TCP connection a request came on, since NTLM signs in
/// connections, not requests.
struct FakeEWSContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let connection: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        connection = "\(ObjectIdentifier(source.channel).hashValue)-\(source.channel.remoteAddress?.port ?? 0)"
    }

    var maxUploadSize: Int { 64 << 20 }
}

public final class FakeEWSServer: Sendable {
    public struct Account: Sendable {
        /// How Basic sends the user: `CORP\anna`.
        public var login: String
        /// The UPN, accepted by Basic and NTLM (with an empty domain) alike.
        public var upn: String
        public var ntlmUser: String
        public var ntlmDomain: String
        public var password: String

        public init(
            login: String = "CORP\\anna", upn: String = "anna@romashka.ru", ntlmUser: String = "anna", ntlmDomain: String = "CORP",
            password: String = "Пароль-2026!"
        ) {
            self.login = login
            self.upn = upn
            self.ntlmUser = ntlmUser
            self.ntlmDomain = ntlmDomain
            self.password = password
        }
    }

    public enum AuthMode: Sendable {
        case basic
        case ntlm
        case basicAndNTLM
        /// Only Kerberos, which the client does not speak.
        case negotiateOnly

        var offersBasic: Bool { self == .basic || self == .basicAndNTLM }
        var offersNTLM: Bool { self == .ntlm || self == .basicAndNTLM }
    }

    public enum Fault: Sendable, Equatable {
        /// A SOAP fault ErrorServerBusy with this BackOffMilliseconds, HTTP 500; nothing is done.
        case serverBusy(backOffMilliseconds: Int)
        /// An Outlook-on-the-web sign-in page with 200, as a reverse proxy serves it.
        case htmlLoginPage
        /// 302 to /owa/auth/logon.aspx.
        case redirectToLogin
        /// 200 with the first part of a SOAP reply only.
        case truncatedXML
        /// The operation is carried out, then the connection drops in the middle of the reply.
        case dropConnection
    }

    public struct Item: Sendable, Equatable {
        public var id: String
        public var version = 1
        /// The `Folder.key` of the folder it is in.
        public var folder = "inbox"
        public var kind = "Message"
        public var subject: String
        public var from: MailAddress?
        public var to: [MailAddress]
        public var receivedAt: Date
        public var textBody: String
        /// The Outlook categories, in the order they were set.
        public var categories: [String]
        /// Set by UpdateItem of `message:IsRead`.
        public var isRead = false
        /// Without angle brackets.
        public var internetMessageID: String
        public var inReplyTo: String?
        public var references: String?

        public var changeKey: String { "CQAAABYAAA\(version)" }
        public var preview: String { String(textBody.prefix(256)) }
    }

    public struct Folder: Sendable, Equatable {
        /// What `Item.folder` and `parent` hold: the DistinguishedFolderId of a well-known folder
        /// ("inbox"), the FolderId of any other.
        public var key: String
        public var id: String
        /// The parent's key; nil for msgfolderroot, the top of the tree.
        public var parent: String?
        public var displayName: String
        /// The element FindFolder answers it as: Folder (mail), CalendarFolder, ContactsFolder…
        public var kind = "Folder"
    }

    /// The well-known folders every mailbox starts with, under the names a Russian Outlook gives them.
    static let wellKnownFolders = [
        Folder(key: "msgfolderroot", id: "AAMkFolderRoot=", parent: nil, displayName: "Верхний уровень хранилища информации"),
        Folder(key: "inbox", id: "AAMkFolderInbox=", parent: "msgfolderroot", displayName: "Входящие"),
        Folder(key: "sentitems", id: "AAMkFolderSent=", parent: "msgfolderroot", displayName: "Отправленные"),
        Folder(key: "drafts", id: "AAMkFolderDrafts=", parent: "msgfolderroot", displayName: "Черновики"),
        Folder(key: "deleteditems", id: "AAMkFolderDeleted=", parent: "msgfolderroot", displayName: "Удаленные"),
        Folder(key: "calendar", id: "AAMkFolderCalendar=", parent: "msgfolderroot", displayName: "Календарь", kind: "CalendarFolder"),
    ]

    public struct SentMessage: Sendable {
        public let mime: [UInt8]
        public let summary: MessageSummary
        public let disposition: String
        public let savedItemFolder: String?
        public let bcc: [String]
        public let inReplyTo: String?
        public let references: String?
    }

    public struct RecordedRequest: Sendable {
        /// The operation element's name, nil when the body is not a SOAP envelope (an NTLM
        /// NEGOTIATE goes with an empty body).
        public let operation: String?
        public let body: [UInt8]
        public let connection: String
        public let authorization: String?
    }

    enum Change: Sendable {
        case created(String)
        case updated(String)
        /// The item with this id left the inbox (moved: under a new id elsewhere).
        case deleted(String)
    }

    enum NTLMConnection: Sendable {
        case challenged(negotiate: [UInt8], challenge: [UInt8], serverChallenge: [UInt8])
        case authenticated
    }

    struct State: Sendable {
        var items: [Item] = []
        var folders = FakeEWSServer.wellKnownFolders
        var nextFolderNumber = 1
        /// The inbox's change log; a sync state is a position in it.
        var log: [Change] = []
        var issuedSyncStates: Set<String> = []
        var faults: [(operation: String?, fault: Fault)] = []
        /// Categories someone adds in Outlook right before the next UpdateItem of the item.
        var outlookChanges: [String: [String]] = [:]
        var ntlm: [String: NTLMConnection] = [:]
        var handshakes = 0
        var requests: [RecordedRequest] = []
        var sent: [SentMessage] = []
        var inFlight = 0
        var mostInFlight = 0
        var responseDelay: Duration?
        var answerOnceInFlight: (count: Int, patience: Duration)?
        var nextItemNumber = 1
    }

    public let account: Account
    public let authMode: AuthMode
    let state = Mutex(State())
    private let boundPort = Mutex(0)

    init(account: Account = Account(), authMode: AuthMode = .basic) {
        self.account = account
        self.authMode = authMode
    }

    // MARK: For tests

    public var port: Int { boundPort.withLock { $0 } }
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var ewsURL: URL { URL(string: baseURL + "/EWS/Exchange.asmx")! }
    public var autodiscoverURL: URL { URL(string: baseURL + "/autodiscover/autodiscover.xml")! }

    /// The EWS URL Autodiscover hands out for the account.
    public static let discoveredEWSURL = "https://mail.romashka.ru/EWS/Exchange.asmx"

    /// A new message in the inbox, as the change log sees it arrive.
    @discardableResult
    public func deliver(
        subject: String,
        from: MailAddress = MailAddress(name: "Борис Клиентов", address: "boris@client.example"),
        to: [MailAddress] = [MailAddress(name: "Анна Петрова", address: "anna@romashka.ru")],
        receivedAt: Date = Date(),
        body: String = "Добрый день! Пришлите, пожалуйста, счёт.",
        categories: [String] = [],
        messageID: String? = nil,
        inReplyTo: String? = nil,
        references: String? = nil
    ) -> Item {
        state.withLock { state in
            let number = state.nextItemNumber
            state.nextItemNumber += 1
            let item = Item(
                id: "AAMkADFake\(number)=", subject: subject, from: from, to: to, receivedAt: receivedAt, textBody: body,
                categories: categories, internetMessageID: messageID ?? "fake-\(number)@client.example", inReplyTo: inReplyTo,
                references: references)
            state.items.append(item)
            state.log.append(.created(item.id))
            return item
        }
    }

    /// A message that reached the inbox as MIME (by SMTP, say), kept as Exchange keeps it: the
    /// subject, addresses and threading headers decoded, the text as a plain-text body. The fake
    /// reads them with our MIME parser, and the text is the parser's snippet (500 characters),
    /// enough for the short messages tests deliver.
    @discardableResult
    public func deliver(mime: [UInt8], receivedAt: Date = Date(), categories: [String] = []) -> Item {
        let summary = MessageSummary(parsing: mime)
        let inReplyTo = Self.bracketed(summary.inReplyTo)
        let references = Self.bracketed(summary.references)
        return state.withLock { state in
            let number = state.nextItemNumber
            state.nextItemNumber += 1
            let item = Item(
                id: "AAMkADFake\(number)=", subject: summary.subject ?? "", from: summary.from.first, to: summary.to,
                receivedAt: receivedAt, textBody: summary.snippet, categories: categories,
                internetMessageID: summary.messageID ?? "fake-\(number)@client.example", inReplyTo: inReplyTo, references: references)
            state.items.append(item)
            state.log.append(.created(item.id))
            return item
        }
    }

    /// Message-IDs as a header writes them: `<a@b> <c@d>`; nil for none.
    private static func bracketed(_ ids: [String]) -> String? {
        ids.isEmpty ? nil : ids.map { "<" + $0 + ">" }.joined(separator: " ")
    }

    public func item(_ id: String) -> Item? {
        state.withLock { state in state.items.first { $0.id == id } }
    }

    public func items(in folder: String) -> [Item] {
        state.withLock { state in state.items.filter { $0.folder == folder } }
    }

    /// The Outlook categories of every item in `folder`, by item id: what labelling wrote.
    public func categories(in folder: String = "inbox") -> [String: [String]] {
        state.withLock { state in
            var categories: [String: [String]] = [:]
            for item in state.items where item.folder == folder {
                categories[item.id] = item.categories
            }
            return categories
        }
    }

    /// A new folder called `displayName` in the folder whose key is `parent` (the top of the
    /// mailbox by default), as someone makes it in Outlook.
    @discardableResult
    public func createFolder(_ displayName: String, in parent: String = "msgfolderroot", kind: String = "Folder") -> Folder {
        state.withLock { state in
            let number = state.nextFolderNumber
            state.nextFolderNumber += 1
            let id = "AAMkFolder\(number)="
            let folder = Folder(key: id, id: id, parent: parent, displayName: displayName, kind: kind)
            state.folders.append(folder)
            return folder
        }
    }

    /// Deletes the folder and every folder below it for good (emptied from Deleted Items too),
    /// with the items in them.
    public func deleteFolder(_ key: String) {
        state.withLock { state in
            var doomed: Set<String> = [key]
            var grew = true
            while grew {
                let below = state.folders.filter { folder in
                    guard let parent = folder.parent else { return false }
                    return doomed.contains(parent) && !doomed.contains(folder.key)
                }.map(\.key)
                grew = !below.isEmpty
                doomed.formUnion(below)
            }
            state.folders.removeAll { doomed.contains($0.key) }
            state.items.removeAll { doomed.contains($0.folder) }
        }
    }

    public var sentMessages: [SentMessage] { state.withLock { $0.sent } }

    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    public func requests(for operation: String) -> [RecordedRequest] {
        requests.filter { $0.operation == operation }
    }

    /// The bodies of every SOAP request received, each once: what the schema check validates.
    public var soapRequestBodies: [[UInt8]] {
        var seen = Set<[UInt8]>()
        return requests.filter { $0.operation != nil && seen.insert($0.body).inserted }.map(\.body)
    }

    /// NTLM handshakes completed, over all connections.
    public var handshakesCompleted: Int { state.withLock { $0.handshakes } }

    /// The most EWS requests that were being answered at the same time.
    public var mostConcurrentRequests: Int { state.withLock { $0.mostInFlight } }

    /// `fault` answers the next request for `operation` (any operation when nil).
    public func enqueue(_ fault: Fault, for operation: String? = nil) {
        state.withLock { $0.faults.append((operation: operation, fault: fault)) }
    }

    /// Someone adds `category` to the item in Outlook just before the next UpdateItem of it
    /// arrives, so that write carries a stale ChangeKey.
    public func changeInOutlook(_ id: String, adding category: String) {
        state.withLock { $0.outlookChanges[id, default: []].append(category) }
    }

    /// Exchange forgets every sync state it issued (a mailbox move does that).
    public func forgetSyncStates() {
        state.withLock { $0.issuedSyncStates.removeAll() }
    }

    /// Every NTLM-signed-in connection must sign in again (as after an IIS restart or a
    /// Kerberos ticket change, without the connection closing).
    public func forgetSignIns() {
        state.withLock { $0.ntlm.removeAll() }
    }

    /// Each authenticated request waits this long before it is answered.
    public func setResponseDelay(_ delay: Duration?) {
        state.withLock { $0.responseDelay = delay }
    }

    /// Each authenticated request is held until `count` requests are in flight together (or
    /// `patience` has passed), so a test of a concurrency limit sees the limit reached however
    /// slowly the machine starts the client's tasks, not only when a fixed delay happens to
    /// overlap them.
    public func answerOnce(inFlight count: Int, patience: Duration = .seconds(30)) {
        state.withLock { $0.answerOnceInFlight = (count, patience) }
    }

    // MARK: Running

    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts a server, runs `body` with it, stops it.
    public static func run<T>(account: Account = Account(), authMode: AuthMode = .basic, _ body: (FakeEWSServer) async throws -> T) async throws -> T {
        let server = FakeEWSServer(account: account, authMode: authMode)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder { (request: Request, context: FakeEWSContext) in
            try await server.respond(to: request, context: context)
        }
        // Critical only: stopping the fake cancels its server, which Hummingbird logs as an error.
        var logger = Logger(label: "FakeEWS")
        logger.logLevel = .critical
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "FakeEWS"),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { portContinuation.yield(port) }
                portContinuation.finish()
            },
            logger: logger)
        let running = Task {
            defer { portContinuation.finish() }
            try await application.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            running.cancel()
            let outcome = await running.result
            throw StartFailure(description: "the fake EWS server did not start: \(outcome)")
        }
        server.boundPort.withLock { $0 = port }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(server))
        } catch {
            result = .failure(error)
        }
        running.cancel()
        _ = await running.result
        return try result.get()
    }

    // MARK: HTTP

    func respond(to request: Request, context: FakeEWSContext) async throws -> Response {
        var request = request
        let body = Array(try await request.collectBody(upTo: 64 << 20).readableBytesView)
        switch request.uri.path.lowercased() {
        case "/owa/auth/logon.aspx":
            return Self.response(EWSResponseFixtures.outlookSignInPage, contentType: "text/html; charset=utf-8")
        case "/autodiscover/autodiscover.xml":
            guard request.method == .post else { return Response(status: .methodNotAllowed) }
            if case .refused(let challenges) = authenticate(request.headers[.authorization], connection: context.connection) {
                return Self.unauthorized(challenges)
            }
            return autodiscover(body)
        case "/ews/exchange.asmx":
            break
        default:
            return Response(status: .notFound)
        }
        guard request.method == .post else { return Response(status: .methodNotAllowed) }
        let operation = Self.operationName(in: body)
        let authorization = request.headers[.authorization]
        state.withLock {
            $0.requests.append(RecordedRequest(operation: operation, body: body, connection: context.connection, authorization: authorization))
        }
        if case .refused(let challenges) = authenticate(authorization, connection: context.connection) {
            return Self.unauthorized(challenges)
        }

        let (delay, gate) = state.withLock { state in
            state.inFlight += 1
            state.mostInFlight = max(state.mostInFlight, state.inFlight)
            return (state.responseDelay, state.answerOnceInFlight)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        if let gate {
            let deadline = ContinuousClock.now + gate.patience
            while state.withLock({ $0.mostInFlight < gate.count }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        if let delay { try await Task.sleep(for: delay) }

        switch takeFault(for: operation) {
        case .serverBusy(let backOff)?:
            let fault = EWSResponseFixtures.serverBusyFault.replacingOccurrences(of: "297749", with: String(backOff))
            return Self.response(fault, status: .internalServerError)
        case .htmlLoginPage?:
            return Self.response(EWSResponseFixtures.outlookSignInPage, contentType: "text/html; charset=utf-8")
        case .redirectToLogin?:
            return Response(status: .found, headers: [.location: baseURL + "/owa/auth/logon.aspx?url=%2fEWS%2fExchange.asmx&reason=0"])
        case .truncatedXML?:
            return Self.response(String(EWSResponseFixtures.findItemFirstPage.prefix(420)))
        case .dropConnection?:
            _ = answer(body)
            return Self.droppedMidReply()
        case nil:
            return answer(body)
        }
    }

    private func takeFault(for operation: String?) -> Fault? {
        state.withLock { state -> Fault? in
            guard let index = state.faults.firstIndex(where: { $0.operation == nil || $0.operation == operation }) else { return nil }
            return state.faults.remove(at: index).fault
        }
    }

    public static func operationName(in body: [UInt8]) -> String? {
        guard !body.isEmpty, let envelope = try? EWSXMLDocument.parse(body) else { return nil }
        return envelope.child("Body")?.children.first?.name
    }

    static func response(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/xml; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func unauthorized(_ challenges: [String]) -> Response {
        var headers = HTTPFields()
        headers[values: .wwwAuthenticate] = challenges
        headers[.contentType] = "text/html"
        return Response(status: .unauthorized, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body>401 - Unauthorized</body></html>")))
    }

    struct DroppedConnection: Error {}

    /// Promises 4 KB, sends the start of an envelope, and fails the write: Hummingbird closes the
    /// connection, and the client sees it break in the middle of the reply.
    static func droppedMidReply() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
            body: ResponseBody(contentLength: 4096) { writer in
                try await writer.write(ByteBuffer(string: #"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="#))
                throw DroppedConnection()
            })
    }

    // MARK: Sign-in

    enum SignIn: Sendable {
        case accepted
        /// 401 with these WWW-Authenticate values.
        case refused([String])
    }

    var offeredChallenges: [String] {
        switch authMode {
        case .basic: ["Basic realm=\"127.0.0.1\""]
        case .ntlm: ["NTLM"]
        case .basicAndNTLM: ["NTLM", "Basic realm=\"127.0.0.1\""]
        case .negotiateOnly: ["Negotiate"]
        }
    }

    func authenticate(_ header: String?, connection: String) -> SignIn {
        let offered = offeredChallenges
        return state.withLock { state -> SignIn in
            guard let header else {
                if authMode.offersNTLM, case .authenticated? = state.ntlm[connection] { return .accepted }
                return .refused(offered)
            }
            let scheme = header.prefix { $0 != " " }.lowercased()
            let token = header.drop { $0 != " " }.trimmingCharacters(in: .whitespaces)
            switch scheme {
            case "basic" where authMode.offersBasic:
                return basicCredentialsMatch(token) ? .accepted : .refused(offered)
            case "ntlm" where authMode.offersNTLM:
                guard let decoded = Data(base64Encoded: token) else {
                    state.ntlm[connection] = nil
                    return .refused(offered)
                }
                let bytes = Array(decoded)
                switch FakeNTLM.messageType(bytes) {
                case 1?:
                    let serverChallenge = (0..<8).map { _ in UInt8.random(in: 0...255) }
                    let challenge = FakeNTLM.challenge(serverChallenge: serverChallenge, domain: account.ntlmDomain, now: Date())
                    state.ntlm[connection] = .challenged(negotiate: bytes, challenge: challenge, serverChallenge: serverChallenge)
                    return .refused(["NTLM " + Data(challenge).base64EncodedString()])
                case 3?:
                    // AUTHENTICATE only counts on the connection that got the CHALLENGE.
                    if case .challenged(let negotiate, let challenge, let serverChallenge)? = state.ntlm[connection],
                       FakeNTLM.verify(
                           authenticate: bytes, negotiate: negotiate, challenge: challenge, serverChallenge: serverChallenge, account: account)
                    {
                        state.ntlm[connection] = .authenticated
                        state.handshakes += 1
                        return .accepted
                    }
                    state.ntlm[connection] = nil
                    return .refused(offered)
                default:
                    state.ntlm[connection] = nil
                    return .refused(offered)
                }
            default:
                return .refused(offered)
            }
        }
    }

    private func basicCredentialsMatch(_ token: String) -> Bool {
        guard let decoded = Data(base64Encoded: token), let text = String(data: decoded, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return false }
        let login = text[..<colon].lowercased()
        let password = String(text[text.index(after: colon)...])
        return (login == account.login.lowercased() || login == account.upn.lowercased()) && password == account.password
    }

    // MARK: Autodiscover

    private func autodiscover(_ body: [UInt8]) -> Response {
        let address = (try? EWSXMLDocument.parse(body))?.child("Request")?.trimmedText(of: "EMailAddress") ?? ""
        let response: String
        if address.lowercased() == account.upn.lowercased() {
            response = """
                <Account>
                  <AccountType>email</AccountType>
                  <Action>settings</Action>
                  <Protocol><Type>EXCH</Type><EwsUrl>https://mbx01.corp.romashka.local/EWS/Exchange.asmx</EwsUrl></Protocol>
                  <Protocol><Type>EXPR</Type><ExternalEwsUrl>\(Self.discoveredEWSURL)</ExternalEwsUrl></Protocol>
                </Account>
                """
        } else {
            response = """
                <Error Time="10:00:00.0000000" Id="1"><ErrorCode>500</ErrorCode><Message>The email address can't be found.</Message><DebugData/></Error>
                """
        }
        return Self.response("""
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
              <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
                \(response)
              </Response>
            </Autodiscover>
            """)
    }
}
