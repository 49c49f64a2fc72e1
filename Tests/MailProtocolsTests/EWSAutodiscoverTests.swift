import EWSFake
import Foundation
import Testing
@testable import MailProtocols

/// POX Autodiscover without the network: where to ask, what to send, what the answers mean.
@Suite struct EWSAutodiscoverTests {
    static let xml = "text/xml; charset=utf-8"

    static func response(_ account: String) -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
              <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
                \(account)
              </Response>
            </Autodiscover>
            """.utf8)
    }

    @Test func candidatesFollowTheDocumentedOrder() {
        let candidates = EWSAutodiscover.candidates(for: "Anna.Petrova@Romashka.RU")
        #expect(candidates.map(\.url.absoluteString) == [
            "https://romashka.ru/autodiscover/autodiscover.xml",
            "https://autodiscover.romashka.ru/autodiscover/autodiscover.xml",
            "http://autodiscover.romashka.ru/autodiscover/autodiscover.xml",
        ])
        #expect(candidates.map(\.method) == [.post, .post, .redirectProbe])
    }

    @Test(arguments: ["no-at-sign", "user@", "user@localhost", "user@exa mple.ru", "user@-bad.ru", "user@ромашка.рф", "user@a..ru"])
    func unusableAddressesGiveNoCandidates(address: String) {
        #expect(EWSAutodiscover.candidates(for: address).isEmpty)
    }

    @Test func punycodeDomainsWork() {
        #expect(EWSAutodiscover.candidates(for: "user@xn--80aaa0a0avl.xn--p1ai").first?.url.host == "xn--80aaa0a0avl.xn--p1ai")
    }

    @Test func requestBodyNamesTheAddressAndTheOutlookSchema() throws {
        let body = EWSAutodiscover.requestBody(for: "anna@romashka.ru")
        let root = try EWSXMLDocument.parse(body)
        #expect(root.name == "Autodiscover")
        #expect(root.namespace == "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006")
        #expect(root.child("Request")?.text(of: "EMailAddress") == "anna@romashka.ru")
        #expect(root.child("Request")?.text(of: "AcceptableResponseSchema") == "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a")
    }

    @Test func settingsGiveTheEWSURLsExternalFirst() throws {
        let body = Self.response("""
            <User><DisplayName>Анна Петрова</DisplayName></User>
            <Account>
              <AccountType>email</AccountType>
              <Action>settings</Action>
              <Protocol>
                <Type>EXCH</Type>
                <Server>MBX01.corp.romashka.local</Server>
                <EwsUrl>https://mbx01.corp.romashka.local/EWS/Exchange.asmx</EwsUrl>
              </Protocol>
              <Protocol>
                <Type>EXPR</Type>
                <Server>mail.romashka.ru</Server>
                <EwsUrl>https://mail.romashka.ru/EWS/Exchange.asmx</EwsUrl>
              </Protocol>
              <Protocol>
                <Type>WEB</Type>
                <Internal><OWAUrl AuthenticationMethod="Basic">https://mbx01/owa/</OWAUrl></Internal>
              </Protocol>
              <Protocol Type="mapiHttp" Version="1">
                <EwsUrl>http://insecure.romashka.ru/EWS/Exchange.asmx</EwsUrl>
              </Protocol>
            </Account>
            """)
        #expect(try EWSAutodiscover.outcome(body: body, contentType: Self.xml) == .settings(ewsURLs: [
            URL(string: "https://mail.romashka.ru/EWS/Exchange.asmx")!,
            URL(string: "https://mbx01.corp.romashka.local/EWS/Exchange.asmx")!,
        ]))
    }

    @Test func redirectsAreFollowedOnlyToHTTPS() throws {
        let address = Self.response("<Account><Action>redirectAddr</Action><RedirectAddr>anna@romashka.onmicrosoft.com</RedirectAddr></Account>")
        #expect(try EWSAutodiscover.outcome(body: address, contentType: Self.xml) == .redirectAddress("anna@romashka.onmicrosoft.com"))
        let secure = Self.response("<Account><Action>redirectUrl</Action><RedirectUrl>https://autodiscover.romashka.ru/autodiscover/autodiscover.xml</RedirectUrl></Account>")
        #expect(try EWSAutodiscover.outcome(body: secure, contentType: Self.xml)
            == .redirectURL(URL(string: "https://autodiscover.romashka.ru/autodiscover/autodiscover.xml")!))
        let plain = Self.response("<Account><Action>redirectUrl</Action><RedirectUrl>http://evil.example/autodiscover.xml</RedirectUrl></Account>")
        guard case .error(let code, _) = try EWSAutodiscover.outcome(body: plain, contentType: Self.xml) else {
            Issue.record("a redirect to plain HTTP was accepted")
            return
        }
        #expect(code == "InsecureRedirect")
        #expect(EWSAutodiscover.allowsRedirect(to: URL(string: "https://a.example/x")!))
        #expect(!EWSAutodiscover.allowsRedirect(to: URL(string: "http://a.example/x")!))
    }

    @Test func serverErrorIsReported() throws {
        let body = Self.response("""
            <Error Time="10:15:00.1234567" Id="2477272013">
              <ErrorCode>500</ErrorCode>
              <Message>The email address can't be found.</Message>
              <DebugData />
            </Error>
            """)
        #expect(try EWSAutodiscover.outcome(body: body, contentType: Self.xml) == .error(code: "500", message: "The email address can't be found."))
    }

    @Test func htmlAndGarbageAreTypedErrors() {
        let page = Array(EWSResponseFixtures.outlookSignInPage.utf8)
        for contentType in ["text/html", Self.xml, nil] {
            do {
                _ = try EWSAutodiscover.outcome(body: page, contentType: contentType)
                Issue.record("an HTML page was accepted")
            } catch let error as EWSError {
                guard case .notSOAP = error else { Issue.record("\(error)"); continue }
            } catch {
                Issue.record("untyped error \(error)")
            }
        }
        #expect(throws: EWSError.self) { try EWSAutodiscover.outcome(body: Array("<Autodiscover><Response>".utf8), contentType: Self.xml) }
        #expect(throws: EWSError.self) { try EWSAutodiscover.outcome(body: Array("<Other/>".utf8), contentType: Self.xml) }
        #expect(throws: EWSError.self) { try EWSAutodiscover.outcome(body: Self.response("<Account><Action>redirectAddr</Action></Account>"), contentType: Self.xml) }
    }
}
