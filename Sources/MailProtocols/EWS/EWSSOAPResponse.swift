import Foundation

/// The first step of reading any EWS reply: is it SOAP, is it a fault, and if not, the
/// operation's response element inside `soap:Body` (e.g. `m:FindItemResponse`).
enum EWSSOAPResponse {
    /// - Parameters:
    ///   - body: the HTTP body as received. EWS sends faults with status 500, so the status
    ///     alone decides nothing; the caller passes every body here.
    ///   - contentType: the Content-Type header, if any.
    static func operationElement(body: [UInt8], contentType: String?) throws -> EWSXMLElement {
        if let contentType, !isXMLContentType(contentType) {
            throw EWSError.notSOAP("Content-Type \(contentType); body begins: \(bodyPrefix(body))")
        }
        switch EWSXMLProlog.firstMarkup(body) {
        case .root(let name) where localName(name) == "Envelope":
            break
        case .root(let name):
            throw EWSError.notSOAP("root element <\(name)>; body begins: \(bodyPrefix(body))")
        case .doctype(let name) where name.lowercased() == "html":
            throw EWSError.notSOAP("HTML page; body begins: \(bodyPrefix(body))")
        case .doctype:
            throw EWSError.malformedResponse("a document type declaration, which SOAP does not allow")
        case .nothing where body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }):
            throw EWSError.malformedResponse("empty body")
        case .nothing:
            throw EWSError.notSOAP("body begins: \(bodyPrefix(body))")
        }
        let envelope: EWSXMLElement
        do {
            envelope = try EWSXMLDocument.parse(body)
        } catch EWSXMLDocument.Failure.hasDoctype {
            throw EWSError.malformedResponse("a document type declaration, which SOAP does not allow")
        } catch EWSXMLDocument.Failure.malformed(let reason) {
            throw EWSError.malformedResponse("invalid XML: \(reason)")
        } catch {
            throw EWSError.malformedResponse("invalid XML: \(error)")
        }
        guard let soapBody = envelope.child("Body") else {
            throw EWSError.malformedResponse("SOAP envelope without a Body")
        }
        if let fault = soapBody.child("Fault") { throw Self.error(fromFault: fault) }
        guard let operation = soapBody.children.first else {
            throw EWSError.malformedResponse("empty SOAP Body")
        }
        return operation
    }

    /// SOAP 1.1 faults carry faultcode/faultstring/detail; Exchange puts its ResponseCode and,
    /// for throttling or schema errors, `t:Value` entries in the detail's MessageXml.
    static func error(fromFault fault: EWSXMLElement) -> EWSError {
        // SOAP 1.2 says Code/Value and Reason/Text where SOAP 1.1 says faultcode and faultstring.
        let faultCode = fault.trimmedText(of: "faultcode") ?? fault.child("Code")?.trimmedText(of: "Value") ?? "soap:Fault"
        let faultString = fault.trimmedText(of: "faultstring") ?? fault.child("Reason")?.trimmedText(of: "Text") ?? ""
        let detail = fault.child("detail") ?? fault.child("Detail")
        let responseCode = detail?.descendant("ResponseCode")?.trimmedText
        let values = namedValues(in: detail)
        if let responseCode, responseCode == "ErrorServerBusy" {
            return EWSError.fromResponseCode(responseCode, message: faultString, backOffMilliseconds: values["BackOffMilliseconds"].flatMap { Int($0) })
        }
        var message = faultString
        // ErrorSchemaValidation says where our request broke the schema.
        let line = detail?.descendant("LineNumber")?.trimmedText ?? values["LineNumber"]
        let position = detail?.descendant("LinePosition")?.trimmedText ?? values["LinePosition"]
        if let line, let position {
            message += " (line \(line), position \(position))"
        }
        return .soapFault(code: responseCode ?? faultCode, message: message)
    }

    /// `<t:Value Name="BackOffMilliseconds">297749</t:Value>` and the like, by name.
    static func namedValues(in element: EWSXMLElement?) -> [String: String] {
        guard let element else { return [:] }
        var values: [String: String] = [:]
        var queue = [element]
        while let next = queue.popLast() {
            if next.name == "Value", let name = next.attributes["Name"] { values[name] = next.trimmedText }
            queue += next.children
        }
        return values
    }

    static func localName(_ qualifiedName: String) -> String {
        qualifiedName.split(separator: ":").last.map(String.init) ?? qualifiedName
    }

    /// text/xml (SOAP 1.1, what EWS sends), application/soap+xml (SOAP 1.2) or application/xml.
    static func isXMLContentType(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType == "text/xml" || mediaType == "application/soap+xml" || mediaType == "application/xml"
    }

    /// The first characters of a body for an error message: enough to recognise a sign-in page,
    /// control characters blanked so the message stays one log line.
    static func bodyPrefix(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(160), as: UTF8.self)
        return String(text.unicodeScalars.map { scalar -> Character in scalar.value < 0x20 || scalar.value == 0x7F ? " " : Character(scalar) })
    }
}
