import AsyncHTTPClient
import Domain
import Foundation
import Logging

/// Checko's API v2 (https://checko.ru/integration/api): `GET /company` (organisations) and
/// `/entrepreneur` (sole proprietors) by INN or OGRN, `/finances` by INN, `/search` by OKVED
/// code or name with a region and "active only". The key goes in the `key` query parameter;
/// replies are `{"data": …, "meta": {"status": "ok"|"error", "message", "today_request_count",
/// "balance"}}` with Russian keys inside `data`. Errors come two ways: an HTTP status (403 when
/// the quota is used up) or HTTP 200 with `meta.status: "error"`, so `meta` is checked on every
/// reply. About 100 free calls a day.
///
/// Search results are thinner than a company card (Checko sends `Статус` and `ОКВЭД` there as
/// plain strings, the address as one line): the adapter reads both shapes.
public struct CheckoProvider: CompanyDataProvider {
    public static let defaultBaseURL = "https://api.checko.ru/v2"
    /// The largest `limit` the adapter asks `/search` for.
    public static let maximumPageSize = 100

    public let kind = CompanyDataProviderKind.checko
    public let capabilities: Set<CompanyDataCapability> = [.findByINN, .searchByName, .searchByOKVED, .finances]
    private let configuration: CompanyDataProviderConfiguration
    private let transport: CompanyDataTransport
    private let roublesPerFinanceUnit: Double

    /// `roublesPerFinanceUnit`: what one unit of a `/finances` value is worth. The values are read
    /// as roubles (1); statements are filed in thousands, so should an account's data come in
    /// thousands, 1000 corrects it without a code change.
    public init(configuration: CompanyDataProviderConfiguration, httpClient: HTTPClient,
                usageRecorder: (any CompanyDataUsageRecorder)? = nil, roublesPerFinanceUnit: Double = 1,
                logger: Logger = Logger(label: "smartysales.company-data.checko")) {
        self.configuration = configuration
        self.transport = CompanyDataTransport(configuration: configuration, httpClient: httpClient, usageRecorder: usageRecorder, logger: logger)
        self.roublesPerFinanceUnit = roublesPerFinanceUnit
    }

    public init(apiKey: String, baseURL: String = CheckoProvider.defaultBaseURL, httpClient: HTTPClient, timeout: Duration = .seconds(15),
                usageRecorder: (any CompanyDataUsageRecorder)? = nil, tenantID: String? = nil) {
        self.init(configuration: CompanyDataProviderConfiguration(kind: .checko, apiKey: apiKey, baseURL: baseURL, requestTimeout: timeout,
                                                                  tenantID: tenantID),
                  httpClient: httpClient, usageRecorder: usageRecorder)
    }

    public func findByINN(_ number: RussianCompanyNumber) async throws -> CompanyRecord? {
        let soleProprietor = number.kind == .inn12 || number.kind == .ogrnip
        let parameter = number.kind.isTaxpayerNumber ? "inn" : "ogrn"
        return try await transport.recording(.findByINN, outcome: { $0 == nil ? .notFound : .ok }) { () async throws -> CompanyRecord? in
            let reply: ProviderJSON
            do {
                reply = try await call(soleProprietor ? "entrepreneur" : "company", [(parameter, number.digits)])
            } catch CompanyDataError.notFound(_, _) {
                return nil
            }
            guard let data = reply["data"], let object = data.object, !object.isEmpty else { return nil }
            return try record(from: data, fetchedAt: Date(), soleProprietor: soleProprietor)
        }
    }

    /// `/search?by=okved&obj=org&query=62.01&region=77&active=true&page=1&limit=…`, or `by=name`.
    public func search(_ query: CompanySearchQuery) async throws -> CompanySearchPage {
        let name = query.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        var parameters: [(String, String)] = [("obj", "org")]
        if let code = query.okvedCode {
            guard name?.isEmpty ?? true else {
                throw CompanyDataError.badRequest(provider: kind, status: 0, message: "Checko searches by OKVED code or by name, not both")
            }
            parameters += [("by", "okved"), ("query", code)]
        } else if let name, !name.isEmpty {
            parameters += [("by", "name"), ("query", name)]
        } else {
            throw CompanyDataError.badRequest(provider: kind, status: 0, message: "a search needs an OKVED code or words of the name")
        }
        if let region = query.regionCode { parameters.append(("region", region)) }
        if query.activeOnly { parameters.append(("active", "true")) }
        let pageSize = min(query.pageSize, Self.maximumPageSize)
        parameters += [("page", String(query.page)), ("limit", String(pageSize))]

        return try await transport.recording(.search) { () async throws -> CompanySearchPage in
            let reply: ProviderJSON
            do {
                reply = try await call("search", parameters)
            } catch CompanyDataError.notFound(_, _) {
                return CompanySearchPage(records: [], page: query.page, totalCount: 0, hasMore: false)
            }
            let data = reply["data"] ?? .null
            let items: [ProviderJSON]
            var total: Int?
            var pages: Int?
            if let list = data.array {
                items = list
            } else if let list = data["Записи"]?.array {
                items = list
                total = data["ЗапВсего"]?.int
                pages = data["СтрВсего"]?.int
            } else if data.isNull || data.object?.isEmpty == true {
                items = []
                total = 0
                pages = 0
            } else {
                throw CompanyDataError.badResponse(provider: kind, message: "search data is neither a list nor {\"Записи\": […]}")
            }
            let fetchedAt = Date()
            let records = try items.map { try record(from: $0, fetchedAt: fetchedAt, soleProprietor: false) }
            let hasMore = pages.map { query.page < $0 } ?? (records.count >= pageSize)
            return CompanySearchPage(records: records, page: query.page, totalCount: total, hasMore: hasMore)
        }
    }

    /// `/finances?inn=…`: `data` maps years (`"2023"`) to line codes (`"2110"` revenue, `"2400"`
    /// net profit) to amounts; keys that are not years are skipped.
    public func finances(inn: RussianCompanyNumber) async throws -> CompanyFinances {
        let parameter = inn.kind.isTaxpayerNumber ? "inn" : "ogrn"
        return try await transport.recording(.finances) { () async throws -> CompanyFinances in
            let reply = try await call("finances", [(parameter, inn.digits)])
            var years: [CompanyFinances.Year] = []
            switch reply["data"] {
            case .object(let byYear)?:
                for (key, value) in byYear {
                    guard let year = Int(key), let lines = value.object else { continue }
                    var amounts: [String: Int64] = [:]
                    for (line, amount) in lines {
                        if let units = amount.number, let roubles = Self.roubles(units * roublesPerFinanceUnit) {
                            amounts[line] = roubles
                        }
                    }
                    years.append(CompanyFinances.Year(year: year, lines: amounts))
                }
            case nil, .null?:
                break
            default:
                throw CompanyDataError.badResponse(provider: kind, message: "finances data is not an object of years")
            }
            return CompanyFinances(inn: reply["company"]?["ИНН"]?.text ?? inn.digits, years: years, source: .checko, fetchedAt: Date())
        }
    }

    /// One GET with the key, checked for an HTTP error, a body that is not a JSON object, and an
    /// in-band `meta.status: "error"`.
    private func call(_ endpoint: String, _ parameters: [(String, String)]) async throws -> ProviderJSON {
        let reply = try await transport.get(configuration.endpoint(endpoint), query: [("key", configuration.apiKey)] + parameters)
        let json = reply.json
        let metaMessage = json?["meta"]?["message"]?.text
        guard reply.isSuccess else {
            throw failure(status: reply.status, text: metaMessage ?? json?["message"]?.text ?? reply.bodyExcerpt, retryAfter: reply.retryAfter)
        }
        guard let json, json.object != nil else {
            throw CompanyDataError.badResponse(provider: kind, message: "expected a JSON object, got: \(transport.message(reply.bodyExcerpt))")
        }
        if json["meta"]?["status"]?.text?.lowercased() == "error" {
            throw inBandFailure(metaMessage ?? "meta.status is \"error\" without a message")
        }
        return json
    }

    private func failure(status: Int, text: String, retryAfter: Duration?) -> CompanyDataError {
        let message = transport.message(text)
        switch status {
        case 401:
            return .unauthorized(provider: kind, message: message)
        case 403:
            // Documented as the answer once the quota is used up; a refused key says so.
            if ProviderMessage.isKeyProblem(text) && !ProviderMessage.isQuota(text) {
                return .unauthorized(provider: kind, message: message)
            }
            return .quotaExhausted(provider: kind, message: message)
        case 404 where ProviderMessage.isNotFound(text):
            return .notFound(provider: kind, message: message)
        case 429, 500...599:
            return .transient(provider: kind, status: status, message: message, retryAfter: retryAfter)
        case 400..<500:
            return .badRequest(provider: kind, status: status, message: message)
        default:
            return .badResponse(provider: kind, message: "HTTP \(status): \(message)")
        }
    }

    /// `meta.status: "error"` inside HTTP 200: the message says whether it is the quota, the key,
    /// a company that does not exist, or something about the request.
    private func inBandFailure(_ text: String) -> CompanyDataError {
        let message = transport.message(text)
        if ProviderMessage.isQuota(text) { return .quotaExhausted(provider: kind, message: message) }
        if ProviderMessage.isKeyProblem(text) { return .unauthorized(provider: kind, message: message) }
        if ProviderMessage.isNotFound(text) { return .notFound(provider: kind, message: message) }
        return .badRequest(provider: kind, status: 200, message: message)
    }

    private func record(from data: ProviderJSON, fetchedAt: Date, soleProprietor: Bool) throws -> CompanyRecord {
        guard let inn = data["ИНН"]?.text else {
            throw CompanyDataError.badResponse(provider: kind, message: "a company without ИНН")
        }
        let fields = SourcedFields(source: .checko, fetchedAt: fetchedAt)
        var record = CompanyRecord(inn: inn)
        record.kpp = fields.text(data["КПП"]?.text)
        record.ogrn = fields.text(data["ОГРН"]?.text ?? data["ОГРНИП"]?.text)
        if soleProprietor, let person = data["ФИО"]?.text {
            record.fullName = fields.text("Индивидуальный предприниматель " + person)
            record.shortName = fields.text("ИП " + person)
            record.director = fields.value(CompanyDirector(name: person, position: "Индивидуальный предприниматель", inn: inn))
        } else {
            record.fullName = fields.text(data["НаимПолн"]?.text)
            record.shortName = fields.text(data["НаимСокр"]?.text)
            record.director = fields.value(Self.director(data["Руковод"]))
        }
        record.status = fields.value(Self.status(data["Статус"]))
        record.registrationDate = fields.value(data["ДатаРег"]?.text.flatMap { CalendarDay($0) })
        record.mainOKVED = fields.value(Self.activity(data["ОКВЭД"]))
        record.extraOKVEDs = fields.activities(data["ОКВЭДДоп"]?.array?.compactMap { Self.activity($0) } ?? [])
        if let region = data["Регион"]?["Код"]?.text ?? data["РегионКод"]?.text {
            record.regionCode = fields.text(RegionCatalog.normalizedCode(region))
        }
        record.address = fields.text(data["ЮрАдрес"]?["АдресРФ"]?.text ?? data["ЮрАдрес"]?.text)
        record.headcount = fields.value(data["СЧР"]?.int)
        let contacts = data["Контакты"]
        record.phones = fields.list(contacts?["Тел"]?.texts ?? [])
        record.emails = fields.list(contacts?["Емэйл"]?.texts ?? [])
        record.website = fields.text(contacts?["ВебСайт"]?.text)
        return record
    }

    /// `{"Код": "001", "Наим": "Действует"}` on a card, `"Действует"` in search results.
    private static func status(_ value: ProviderJSON?) -> CompanyStatus? {
        (value?["Наим"]?.text ?? value?.text).flatMap { CompanyStatus(russianName: $0) }
    }

    /// `{"Код": "62.01", "Наим": "…", "Версия": "2014"}`, or a bare string: a code if it looks
    /// like one (search results may carry only the name, which names no code and is dropped).
    private static func activity(_ value: ProviderJSON?) -> OKVEDActivity? {
        if let code = value?["Код"]?.text {
            return OKVEDActivity(code: code, name: value?["Наим"]?.text)
        }
        guard let text = value?.text, text.first?.isNumber == true, text.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        return OKVEDActivity(code: text)
    }

    /// The first of `Руковод: [{"ФИО", "ИНН", "НаимДолжн"}]`.
    private static func director(_ value: ProviderJSON?) -> CompanyDirector? {
        guard let first = value?.array?.first ?? value, let name = first["ФИО"]?.text else { return nil }
        return CompanyDirector(name: name, position: first["НаимДолжн"]?.text, inn: first["ИНН"]?.text)
    }

    private static func roubles(_ value: Double) -> Int64? {
        guard value.isFinite, abs(value) < 9.0e18 else { return nil }
        return Int64(value.rounded())
    }
}
