import AsyncHTTPClient
import Domain
import Foundation
import Logging

/// api-fns.ru's extract from the state register: `GET /api/egr?req=<INN|OGRN>&key=<key>` →
/// `{"items": [{"ЮЛ": {…}}]}` for an organisation or `{"items": [{"ИП": {…}}]}` for a sole
/// proprietor. Lookup only. The fields read are the documented ones (`ИНН`, `КПП`, `ОГРН`,
/// `ДатаОГРН`, `НаимСокрЮЛ`, `НаимПолнЮЛ`, `Статус`, `Адрес.АдресПолн`, `Руководитель`); the
/// proprietor's (`ФИОПолн`, `ИННФЛ`, `ОГРНИП`, `ДатаОГРНИП`), the activity codes (`ОснВидДеят`,
/// `ДопВидДеят` as `{Код, Текст}`) and the error shape (`{"error": "…"}` or a non-200 status)
/// follow api-fns' examples and are read leniently: UNVERIFIED against a live account.
public struct APIFNSProvider: CompanyDataProvider {
    public static let defaultBaseURL = "https://api-fns.ru/api"

    public let kind = CompanyDataProviderKind.apiFNS
    public let capabilities: Set<CompanyDataCapability> = [.findByINN]
    private let configuration: CompanyDataProviderConfiguration
    private let transport: CompanyDataTransport

    public init(configuration: CompanyDataProviderConfiguration, httpClient: HTTPClient,
                usageRecorder: (any CompanyDataUsageRecorder)? = nil, logger: Logger = Logger(label: "smartysales.company-data.api-fns")) {
        self.configuration = configuration
        self.transport = CompanyDataTransport(configuration: configuration, httpClient: httpClient, usageRecorder: usageRecorder, logger: logger)
    }

    public init(apiKey: String, baseURL: String = APIFNSProvider.defaultBaseURL, httpClient: HTTPClient, timeout: Duration = .seconds(15),
                usageRecorder: (any CompanyDataUsageRecorder)? = nil, tenantID: String? = nil) {
        self.init(configuration: CompanyDataProviderConfiguration(kind: .apiFNS, apiKey: apiKey, baseURL: baseURL, requestTimeout: timeout,
                                                                  tenantID: tenantID),
                  httpClient: httpClient, usageRecorder: usageRecorder)
    }

    public func findByINN(_ number: RussianCompanyNumber) async throws -> CompanyRecord? {
        try await transport.recording(.findByINN, outcome: { $0 == nil ? .notFound : .ok }) { () async throws -> CompanyRecord? in
            let reply = try await transport.get(configuration.endpoint("egr"), query: [("req", number.digits), ("key", configuration.apiKey)])
            let json = reply.json
            let errorText = json?["error"]?.text ?? json?["message"]?.text
            guard reply.isSuccess else { throw failure(status: reply.status, text: errorText ?? reply.bodyExcerpt, retryAfter: reply.retryAfter) }
            guard let json, json.object != nil else {
                throw CompanyDataError.badResponse(provider: kind, message: "expected a JSON object, got: \(transport.message(reply.bodyExcerpt))")
            }
            if let errorText {
                if ProviderMessage.isNotFound(errorText) { return nil }
                throw failure(status: 200, text: errorText, retryAfter: nil)
            }
            guard let items = json["items"]?.array else {
                throw CompanyDataError.badResponse(provider: kind, message: "expected {\"items\": […]}")
            }
            guard let item = items.first else { return nil }
            return try record(from: item, fetchedAt: Date())
        }
    }

    public func search(_ query: CompanySearchQuery) async throws -> CompanySearchPage {
        throw CompanyDataError.unsupported(provider: kind, capability: query.requiredCapability)
    }

    public func finances(inn: RussianCompanyNumber) async throws -> CompanyFinances {
        throw CompanyDataError.unsupported(provider: kind, capability: .finances)
    }

    private func failure(status: Int, text: String, retryAfter: Duration?) -> CompanyDataError {
        let message = transport.message(text)
        if ProviderMessage.isQuota(text) { return .quotaExhausted(provider: kind, message: message) }
        switch status {
        case 401, 403:
            return .unauthorized(provider: kind, message: message)
        case 429, 500...599:
            return .transient(provider: kind, status: status, message: message, retryAfter: retryAfter)
        case 200:
            return ProviderMessage.isKeyProblem(text) ? .unauthorized(provider: kind, message: message)
                : .badRequest(provider: kind, status: status, message: message)
        case 400..<500:
            return .badRequest(provider: kind, status: status, message: message)
        default:
            return .badResponse(provider: kind, message: "HTTP \(status): \(message)")
        }
    }

    private func record(from item: ProviderJSON, fetchedAt: Date) throws -> CompanyRecord {
        let fields = SourcedFields(source: .apiFNS, fetchedAt: fetchedAt)
        if let company = item["ЮЛ"], company.object != nil {
            guard let inn = company["ИНН"]?.text else { throw CompanyDataError.badResponse(provider: kind, message: "ЮЛ without ИНН") }
            var record = CompanyRecord(inn: inn)
            record.kpp = fields.text(company["КПП"]?.text)
            record.ogrn = fields.text(company["ОГРН"]?.text)
            record.fullName = fields.text(company["НаимПолнЮЛ"]?.text)
            record.shortName = fields.text(company["НаимСокрЮЛ"]?.text)
            record.registrationDate = fields.value(company["ДатаОГРН"]?.text.flatMap { CalendarDay($0) })
            record.status = fields.value(company["Статус"]?.text.flatMap { CompanyStatus(russianName: $0) })
            record.address = fields.text(company["Адрес"]?["АдресПолн"]?.text)
            if let head = company["Руководитель"], let name = head["ФИОПолн"]?.text {
                record.director = fields.value(CompanyDirector(name: name, position: head["Должн"]?.text, inn: head["ИННФЛ"]?.text))
            }
            fillActivities(&record, from: company, fields: fields)
            return record
        }
        if let person = item["ИП"], person.object != nil {
            guard let inn = person["ИННФЛ"]?.text ?? person["ИНН"]?.text else {
                throw CompanyDataError.badResponse(provider: kind, message: "ИП without ИННФЛ")
            }
            var record = CompanyRecord(inn: inn)
            record.ogrn = fields.text(person["ОГРНИП"]?.text)
            if let name = person["ФИОПолн"]?.text {
                record.fullName = fields.text("Индивидуальный предприниматель " + name)
                record.shortName = fields.text("ИП " + name)
                record.director = fields.value(CompanyDirector(name: name, position: "Индивидуальный предприниматель", inn: inn))
            }
            record.registrationDate = fields.value(person["ДатаОГРНИП"]?.text.flatMap { CalendarDay($0) })
            record.status = fields.value(person["Статус"]?.text.flatMap { CompanyStatus(russianName: $0) })
            fillActivities(&record, from: person, fields: fields)
            return record
        }
        throw CompanyDataError.badResponse(provider: kind, message: "an item with neither ЮЛ nor ИП")
    }

    private func fillActivities(_ record: inout CompanyRecord, from data: ProviderJSON, fields: SourcedFields) {
        func activity(_ value: ProviderJSON) -> OKVEDActivity? {
            value["Код"]?.text.map { OKVEDActivity(code: $0, name: value["Текст"]?.text) }
        }
        record.mainOKVED = fields.value(data["ОснВидДеят"].flatMap(activity))
        record.extraOKVEDs = fields.activities(data["ДопВидДеят"]?.array?.compactMap(activity) ?? [])
    }
}
