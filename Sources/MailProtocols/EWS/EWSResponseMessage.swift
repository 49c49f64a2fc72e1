/// Readers of EWS replies, one per operation, in the files beside this one. Each takes the HTTP
/// body and Content-Type, throws `EWSError` for whatever concerns the whole reply, and returns
/// per-item outcomes where one request covers many items.
public enum EWSResponse {
    /// The `m:…ResponseMessage` elements of an operation's reply, in request order. A busy
    /// server fails the whole call even when it says so in one message: the caller must wait
    /// before sending anything else.
    static func responseMessages(body: [UInt8], contentType: String?, operation: String) throws -> [EWSResponseMessage] {
        let element = try EWSSOAPResponse.operationElement(body: body, contentType: contentType)
        guard element.name == operation + "Response" else {
            throw EWSError.malformedResponse("expected \(operation)Response, found \(element.name)")
        }
        guard let list = element.child("ResponseMessages") else {
            throw EWSError.malformedResponse("\(operation)Response without ResponseMessages")
        }
        let messages = list.children.filter { $0.name.hasSuffix("ResponseMessage") }.map(EWSResponseMessage.init)
        if let busy = messages.lazy.compactMap(\.error).first(where: \.isServerBusy) {
            throw busy
        }
        return messages
    }

    /// The single message of a one-item operation, its error thrown.
    static func onlyResponseMessage(body: [UInt8], contentType: String?, operation: String) throws -> EWSResponseMessage {
        let messages = try responseMessages(body: body, contentType: contentType, operation: operation)
        guard let message = messages.first else {
            throw EWSError.malformedResponse("\(operation)Response without a response message")
        }
        if let error = message.error { throw error }
        return message
    }
}

/// One `m:…ResponseMessage`: its class, code and text, and the element for the operation's
/// own content.
struct EWSResponseMessage: Sendable, Equatable {
    enum ResponseClass: String, Sendable {
        case success = "Success"
        case warning = "Warning"
        case error = "Error"
    }

    let element: EWSXMLElement
    let responseClass: ResponseClass
    /// "NoError" when the message gives none.
    let code: String
    let messageText: String
    /// From `MessageXml`, for ErrorServerBusy.
    let backOffMilliseconds: Int?

    init(_ element: EWSXMLElement) {
        self.element = element
        let code = element.trimmedText(of: "ResponseCode") ?? "NoError"
        self.code = code
        // An unknown or missing class is read from the code, so a failure is never taken for success.
        responseClass = element.attributes["ResponseClass"].flatMap(ResponseClass.init(rawValue:)) ?? (code == "NoError" ? .success : .error)
        messageText = element.trimmedText(of: "MessageText") ?? ""
        backOffMilliseconds = EWSSOAPResponse.namedValues(in: element.child("MessageXml"))["BackOffMilliseconds"].flatMap { Int($0) }
    }

    /// nil when the item was processed. A Warning with an error code (ErrorBatchProcessingStopped)
    /// means the item was not processed, so it counts as an error.
    var error: EWSError? {
        switch responseClass {
        case .success: nil
        case .warning where code == "NoError": nil
        case .warning, .error: EWSError.fromResponseCode(code, message: messageText, backOffMilliseconds: backOffMilliseconds)
        }
    }
}
