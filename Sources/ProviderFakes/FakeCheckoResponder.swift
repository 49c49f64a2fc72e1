import Foundation

/// The Checko fake's behaviour: `GET /v2/company`, `/v2/entrepreneur`, `/v2/finances` and
/// `/v2/search` with the key in the `key` query parameter, answering
/// `{"data": …, "meta": {"status", "message", "today_request_count", "balance"}}` with Russian
/// keys. An unknown INN is HTTP 200 with `meta.status: "error"`; an exhausted quota is 403 (or,
/// scripted, the same message inside HTTP 200); a wrong key 401; bad parameters 400.
struct FakeCheckoResponder: Sendable {
    static let endpoints: Set<String> = ["/v2/company", "/v2/entrepreneur", "/v2/finances", "/v2/search"]
    static let quotaMessage = "Превышен дневной лимит запросов"

    let apiKey: String
    let script: FakeCompanyDataScript

    func respond(to http: FakeHTTPRequest) async -> FakeHTTPResponse {
        let request = FakeCompanyDataRequest(http)
        script.record(request)

        guard Self.endpoints.contains(http.path) else {
            return error(404, "Неизвестный метод API")
        }
        guard http.method == "GET" else {
            return error(405, "Метод не поддерживается")
        }
        guard let key = request.query["key"], !key.isEmpty, key == apiKey else {
            return error(401, "Неверный ключ API")
        }
        let latency = script.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        return await render(script.nextOutcome(), path: http.path, query: request.query)
    }

    private func render(_ outcome: FakeCompanyDataOutcome, path: String, query: [String: String]) async -> FakeHTTPResponse {
        switch outcome {
        case .answer:
            return answer(path: path, query: query)
        case .quotaExhausted:
            return error(403, Self.quotaMessage)
        case .inBandQuotaExhausted:
            return error(200, Self.quotaMessage)
        case .unauthorized:
            return error(401, "Неверный ключ API")
        case .rateLimited(let seconds):
            return error(429, "Слишком много запросов", headers: seconds.map { [FakeHeader("retry-after", String($0))] } ?? [])
        case .serverError:
            return error(500, "Внутренняя ошибка сервера")
        case .garbage(let text):
            return FakeHTTPResponse(status: 200, headers: [], body: text)
        case .raw(let status, let headers, let text):
            return FakeHTTPResponse(status: status, headers: headers, body: text)
        case .delayed(let delay, let then):
            try? await Task.sleep(for: delay)
            return await render(then, path: path, query: query)
        }
    }

    private func answer(path: String, query: [String: String]) -> FakeHTTPResponse {
        if path == "/v2/search" {
            return search(query)
        }
        let inn = query["inn"]
        let ogrn = query["ogrn"]
        guard inn != nil || ogrn != nil else {
            return error(400, "Не указан обязательный параметр inn или ogrn")
        }
        if let inn, !(inn.count == 10 || inn.count == 12) || !inn.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return error(400, "Некорректный параметр inn")
        }
        let wantsProprietor = path == "/v2/entrepreneur"
        let company = script.companies.first { candidate in
            (candidate.inn == inn || candidate.ogrn == ogrn) && candidate.isSoleProprietor == wantsProprietor
        }
        guard let company else {
            return error(200, wantsProprietor ? "Индивидуальный предприниматель не найден" : "Организация не найдена")
        }
        let count = script.countCall()
        switch path {
        case "/v2/finances":
            var years: [String: FakeJSON] = [:]
            for (year, lines) in company.finances {
                years[String(year)] = .object(lines.mapValues { FakeJSON.int(Int($0)) })
            }
            return .json(200, ["company": summary(company), "data": .object(years), "meta": meta(count: count)])
        default:
            return .json(200, ["data": card(company), "meta": meta(count: count)])
        }
    }

    /// `by=okved` (the main code equal to `query` or under it) or `by=name` (every word starts a
    /// word of the name); `obj=org|ent`, `region`, `active=true`, `page` from 1, `limit` up to 100.
    private func search(_ query: [String: String]) -> FakeHTTPResponse {
        guard let by = query["by"], by == "okved" || by == "name", let text = query["query"], !text.isEmpty else {
            return error(400, "Параметры by и query обязательны")
        }
        let proprietors = query["obj"] == "ent"
        let words = Self.words(text)
        var found = script.companies.filter { company in
            guard company.isSoleProprietor == proprietors else { return false }
            if by == "okved" {
                let code = company.mainActivity.code
                return code == text || code.hasPrefix(text + ".")
            }
            let nameWords = Self.words(company.shortName + " " + company.fullName)
            return words.allSatisfy { word in nameWords.contains { $0.hasPrefix(word) } }
        }
        if let region = query["region"], !region.isEmpty {
            let regions = Set(region.split(separator: ",").map { String($0) })
            found = found.filter { regions.contains($0.regionCode) }
        }
        if query["active"] == "true" {
            found = found.filter { $0.status == .active }
        }
        let limit = min(max(Int(query["limit"] ?? "") ?? 20, 1), 100)
        let page = min(max(Int(query["page"] ?? "") ?? 1, 1), 1_000_000)
        let pages = (found.count + limit - 1) / limit
        let slice = found.dropFirst((page - 1) * limit).prefix(limit)
        let count = script.countCall()
        let data: FakeJSON = [
            "ЗапВсего": .int(found.count),
            "СтрВсего": .int(pages),
            "СтрТекущ": .int(page),
            "Записи": .array(slice.map { searchRecord($0) }),
        ]
        return .json(200, ["data": data, "meta": meta(count: count)])
    }

    /// A company card (`/v2/company`, `/v2/entrepreneur`).
    private func card(_ company: FakeCompany) -> FakeJSON {
        var card: [String: FakeJSON] = [
            "ИНН": .string(company.inn),
            "ДатаРег": .string(company.registrationDate),
            "Статус": ["Код": .string(company.status.russianCode), "Наим": .string(company.status.russianName)],
            "Регион": ["Код": .string(company.regionCode), "Наим": .string(company.regionName)],
            "ОКВЭД": Self.activity(company.mainActivity),
            "ОКВЭДДоп": .array(company.extraActivities.map { Self.activity($0) }),
            "Контакты": [
                "Тел": .array(company.phones.map { FakeJSON.string($0) }),
                "Емэйл": .array(company.emails.map { FakeJSON.string($0) }),
                "ВебСайт": company.website.map { FakeJSON.string($0) } ?? .null,
            ],
        ]
        if company.isSoleProprietor {
            card["ОГРНИП"] = .string(company.ogrn)
            card["ФИО"] = .string(company.director?.name ?? company.shortName)
        } else {
            card["ОГРН"] = .string(company.ogrn)
            card["КПП"] = company.kpp.map { FakeJSON.string($0) } ?? .null
            card["НаимСокр"] = .string(company.shortName)
            card["НаимПолн"] = .string(company.fullName)
            card["ЮрАдрес"] = ["НасПункт": .string(company.city), "АдресРФ": .string(company.address), "Недост": false]
            card["Руковод"] = .array(company.director.map { [Self.director($0)] } ?? [])
            card["СЧР"] = company.headcount.map { FakeJSON.int($0) } ?? .null
        }
        return .object(card)
    }

    /// A search record: thinner than a card, with the status, main activity and address as plain
    /// strings (the activity by name, as Checko sends it).
    private func searchRecord(_ company: FakeCompany) -> FakeJSON {
        [
            "ОГРН": .string(company.ogrn),
            "ИНН": .string(company.inn),
            "КПП": company.kpp.map { FakeJSON.string($0) } ?? .null,
            "НаимСокр": .string(company.shortName),
            "НаимПолн": .string(company.fullName),
            "ДатаРег": .string(company.registrationDate),
            "Статус": .string(company.status.russianName),
            "РегионКод": .string(company.regionCode),
            "ЮрАдрес": .string(company.address),
            "ОКВЭД": .string(company.mainActivity.name),
            "Руковод": .array(company.director.map { [Self.director($0)] } ?? []),
        ]
    }

    /// What `/v2/finances` says about the company beside the figures.
    private func summary(_ company: FakeCompany) -> FakeJSON {
        [
            "ОГРН": .string(company.ogrn),
            "ИНН": .string(company.inn),
            "КПП": company.kpp.map { FakeJSON.string($0) } ?? .null,
            "НаимСокр": .string(company.shortName),
            "НаимПолн": .string(company.fullName),
            "Статус": ["Код": .string(company.status.russianCode), "Наим": .string(company.status.russianName)],
        ]
    }

    private static func activity(_ activity: FakeCompany.Activity) -> FakeJSON {
        ["Код": .string(activity.code), "Наим": .string(activity.name), "Версия": "2014"]
    }

    private static func director(_ director: FakeCompany.Director) -> FakeJSON {
        ["ФИО": .string(director.name), "ИНН": director.inn.map { FakeJSON.string($0) } ?? .null, "НаимДолжн": .string(director.position)]
    }

    private func meta(count: Int, status: String = "ok", message: String = "") -> FakeJSON {
        ["status": .string(status), "message": .string(message), "today_request_count": .int(count), "balance": .double(script.balance)]
    }

    private func error(_ status: Int, _ message: String, headers: [FakeHeader] = []) -> FakeHTTPResponse {
        .json(status, ["data": [:], "meta": meta(count: script.callsToday, status: "error", message: message)], headers: headers)
    }

    private static func words(_ text: String) -> [String] {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }
}
