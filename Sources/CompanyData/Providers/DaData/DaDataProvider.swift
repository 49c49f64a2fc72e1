import AsyncHTTPClient
import Domain
import Foundation
import Logging

/// DaData's company suggestions (https://dadata.ru/api/find-party/, /suggest/party/):
/// `findById/party` finds one company by INN or OGRN, `suggest/party` finds companies by name
/// with a region filter. `Authorization: Token <key>`, JSON in and out; the free plan allows
/// 10,000 calls a day (Moscow time), after which every call answers 403 "Feature 'SUGGESTIONS'
/// disabled for token '…'". Fields of paid plans (`okveds`, `finance`, `phones`, `emails`,
/// `employee_count`) come back null on the free one and are simply left out of the record.
public struct DaDataProvider: CompanyDataProvider {
    public static let defaultBaseURL = "https://suggestions.dadata.ru/suggestions/api/4_1/rs"
    /// `suggest/party` returns at most this many suggestions and has no pages.
    public static let maximumSuggestions = 20

    public let kind = CompanyDataProviderKind.daData
    public let capabilities: Set<CompanyDataCapability> = [.findByINN, .searchByName]
    private let configuration: CompanyDataProviderConfiguration
    private let transport: CompanyDataTransport

    public init(configuration: CompanyDataProviderConfiguration, httpClient: HTTPClient,
                usageRecorder: (any CompanyDataUsageRecorder)? = nil, logger: Logger = Logger(label: "smartysales.company-data.dadata")) {
        self.configuration = configuration
        self.transport = CompanyDataTransport(configuration: configuration, httpClient: httpClient, usageRecorder: usageRecorder, logger: logger)
    }

    public init(apiKey: String, baseURL: String = DaDataProvider.defaultBaseURL, httpClient: HTTPClient, timeout: Duration = .seconds(10),
                usageRecorder: (any CompanyDataUsageRecorder)? = nil, tenantID: String? = nil) {
        self.init(configuration: CompanyDataProviderConfiguration(kind: .daData, apiKey: apiKey, baseURL: baseURL, requestTimeout: timeout,
                                                                  tenantID: tenantID),
                  httpClient: httpClient, usageRecorder: usageRecorder)
    }

    /// `findById/party` with the INN or OGRN; for an organisation only its head office
    /// (`branch_type: MAIN`), so a company with branches answers with one record.
    public func findByINN(_ number: RussianCompanyNumber) async throws -> CompanyRecord? {
        try await transport.recording(.findByINN, outcome: { $0 == nil ? .notFound : .ok }) { () async throws -> CompanyRecord? in
            let legal = number.kind == .inn10 || number.kind == .ogrn
            var body: [String: ProviderJSONValue] = [
                "query": .string(number.digits),
                "count": .int(1),
                "type": .string(legal ? "LEGAL" : "INDIVIDUAL"),
            ]
            if legal { body["branch_type"] = .string("MAIN") }
            let found = try await suggestions(endpoint: "findById/party", body: body)
            return try found.first.map { try record(from: $0, fetchedAt: Date()) }
        }
    }

    /// `suggest/party`: the name in `query`, `status: ["ACTIVE"]` for active only, the region as
    /// `locations: [{"kladr_id": "77"}]`. DaData has no pages: page 1 holds up to 20 companies and
    /// later pages are empty (no call is made for them).
    public func search(_ query: CompanySearchQuery) async throws -> CompanySearchPage {
        guard query.okvedCode == nil else {
            throw CompanyDataError.unsupported(provider: kind, capability: .searchByOKVED)
        }
        guard let name = query.name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else {
            throw CompanyDataError.badRequest(provider: kind, status: 0, message: "a DaData search needs words of the company name")
        }
        guard query.page == 1 else {
            return CompanySearchPage(records: [], page: query.page, totalCount: nil, hasMore: false)
        }
        return try await transport.recording(.search) { () async throws -> CompanySearchPage in
            var body: [String: ProviderJSONValue] = [
                "query": .string(String(name.prefix(300))),
                "count": .int(min(query.pageSize, Self.maximumSuggestions)),
            ]
            if query.activeOnly { body["status"] = .array([.string("ACTIVE")]) }
            if let region = query.regionCode {
                body["locations"] = .array([.object(["kladr_id": .string(region)])])
            }
            let fetchedAt = Date()
            let records = try await suggestions(endpoint: "suggest/party", body: body).map { try record(from: $0, fetchedAt: fetchedAt) }
            return CompanySearchPage(records: records, page: 1, totalCount: nil, hasMore: false)
        }
    }

    /// DaData sends the latest year's figures inside the company (`finance`, paid plans): they
    /// land in `CompanyRecord.revenue`; there is no separate statements endpoint.
    public func finances(inn: RussianCompanyNumber) async throws -> CompanyFinances {
        throw CompanyDataError.unsupported(provider: kind, capability: .finances)
    }

    private func suggestions(endpoint: String, body: [String: ProviderJSONValue]) async throws -> [ProviderJSON] {
        let reply = try await transport.postJSON(
            configuration.endpoint(endpoint),
            body: ProviderJSONValue.object(body).encoded(),
            headers: [("authorization", "Token \(configuration.apiKey)")])
        guard reply.isSuccess else { throw failure(reply) }
        guard let json = reply.json, let suggestions = json["suggestions"]?.array else {
            throw CompanyDataError.badResponse(provider: kind,
                                               message: "expected {\"suggestions\":[…]}, got: \(transport.message(reply.bodyExcerpt))")
        }
        return suggestions
    }

    /// DaData's documented statuses: 401 no key, 403 a wrong key or the daily limit (told apart
    /// by the message), 400/405/413 a bad request, 429 too many requests, 5xx trouble at DaData.
    private func failure(_ reply: ProviderHTTPReply) -> CompanyDataError {
        let json = reply.json
        let text = json?["message"]?.text ?? json?["reason"]?.text ?? reply.bodyExcerpt
        let message = transport.message(text)
        switch reply.status {
        case 401:
            return .unauthorized(provider: kind, message: message)
        case 403:
            return ProviderMessage.isQuota(text) ? .quotaExhausted(provider: kind, message: message) : .unauthorized(provider: kind, message: message)
        case 429, 500...599:
            return .transient(provider: kind, status: reply.status, message: message, retryAfter: reply.retryAfter)
        case 400..<500:
            return .badRequest(provider: kind, status: reply.status, message: message)
        default:
            return .badResponse(provider: kind, message: "HTTP \(reply.status): \(message)")
        }
    }

    /// One suggestion (`{"value", "unrestricted_value", "data": {…}}`) as a record.
    private func record(from suggestion: ProviderJSON, fetchedAt: Date) throws -> CompanyRecord {
        guard let data = suggestion["data"], data.object != nil, let inn = data["inn"]?.text else {
            throw CompanyDataError.badResponse(provider: kind, message: "a suggestion without data.inn")
        }
        let fields = SourcedFields(source: .daData, fetchedAt: fetchedAt)
        var record = CompanyRecord(inn: inn)
        record.kpp = fields.text(data["kpp"]?.text)
        record.ogrn = fields.text(data["ogrn"]?.text)
        record.fullName = fields.text(data["name"]?["full_with_opf"]?.text)
        record.shortName = fields.text(data["name"]?["short_with_opf"]?.text ?? suggestion["value"]?.text)
        record.status = fields.value(data["state"]?["status"]?.text.flatMap(CompanyStatus.init(daData:)))
        let registered = data["ogrn_date"]?.number ?? data["state"]?["registration_date"]?.number
        record.registrationDate = fields.value(registered.map(CalendarDay.init(epochMilliseconds:)))

        let okveds = data["okveds"]?.array ?? []
        let mainCode = data["okved"]?.text
        let mainName = okveds.first { $0["main"] == .bool(true) }?["name"]?.text
            ?? okveds.first { $0["code"]?.text == mainCode }?["name"]?.text
        record.mainOKVED = fields.value(mainCode.map { OKVEDActivity(code: $0, name: mainName) })
        record.extraOKVEDs = fields.activities(okveds.compactMap { item -> OKVEDActivity? in
            guard let code = item["code"]?.text, item["main"] != .bool(true), code != mainCode else { return nil }
            return OKVEDActivity(code: code, name: item["name"]?.text)
        })

        let address = data["address"]
        record.address = fields.text(address?["unrestricted_value"]?.text ?? address?["value"]?.text)
        if let kladr = address?["data"]?["region_kladr_id"]?.text, kladr.count >= 2 {
            record.regionCode = fields.text(String(kladr.prefix(2)))
        }
        record.director = fields.value(director(in: data, inn: inn))
        record.headcount = fields.value(data["employee_count"]?.int)
        if let finance = data["finance"], let year = finance["year"]?.int, let revenue = finance["revenue"]?.int64 {
            record.revenue = fields.value(CompanyRevenue(year: year, roubles: revenue))
        }
        record.phones = fields.list(contactValues(data["phones"]))
        record.emails = fields.list(contactValues(data["emails"]))
        return record
    }

    /// `management {name, post}` for an organisation, with the INN from `managers` (paid plans)
    /// when a manager there has the same name; the proprietor (`fio`) for a sole proprietor.
    private func director(in data: ProviderJSON, inn: String) -> CompanyDirector? {
        if let name = data["management"]?["name"]?.text {
            let managerINN = data["managers"]?.array?.first { manager in
                Self.fullName(manager["fio"]).map { $0.lowercased() == name.lowercased() } ?? false
            }?["inn"]?.text
            return CompanyDirector(name: name, position: data["management"]?["post"]?.text, inn: managerINN)
        }
        if data["type"]?.text == "INDIVIDUAL", let name = Self.fullName(data["fio"]) ?? data["name"]?["full"]?.text {
            return CompanyDirector(name: name, position: "Индивидуальный предприниматель", inn: inn)
        }
        return nil
    }

    /// `{"surname", "name", "patronymic"}` as one string.
    private static func fullName(_ fio: ProviderJSON?) -> String? {
        guard let fio else { return nil }
        let parts = [fio["surname"]?.text, fio["name"]?.text, fio["patronymic"]?.text].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// `[{"value": "+7 495 500-55-50", "unrestricted_value": …, "data": {…}}]` → the values.
    private func contactValues(_ list: ProviderJSON?) -> [String] {
        list?.array?.compactMap { $0["value"]?.text ?? $0.text } ?? []
    }
}
