import Foundation

/// The DaData fake's behaviour: `POST …/findById/party` and `…/suggest/party` with
/// `Authorization: Token <key>`, answering `{"suggestions": [{"value", "unrestricted_value",
/// "data": {…}}]}` from the script's companies, and DaData's errors as
/// `{"family", "reason", "message"}`: 401 without a key, 403 for a wrong key or an exhausted
/// daily quota ("Feature 'SUGGESTIONS' disabled for token '…'", naming the token as DaData
/// does), 400 for a body that is not JSON with a `query`, 405 for another method, 429, 500.
struct FakeDaDataResponder: Sendable {
    static let pathPrefix = "/suggestions/api/4_1/rs/"

    let apiKey: String
    let script: FakeCompanyDataScript
    /// Paid plans fill `okveds`, `finance`, `employee_count`, `phones`, `emails` and `managers`;
    /// the free plan sends them as null.
    let paidPlan: Bool

    func respond(to http: FakeHTTPRequest) async -> FakeHTTPResponse {
        let request = FakeCompanyDataRequest(http)
        script.record(request)

        guard let authorization = http.header("authorization"), authorization.hasPrefix("Token "),
              authorization.count > "Token ".count else {
            return Self.error(401, reason: "Unauthorized", message: "HTTP 401 Unauthorized")
        }
        guard authorization == "Token \(apiKey)" else {
            return Self.error(403, reason: "Forbidden", message: "HTTP 403 Forbidden")
        }
        guard http.path.hasPrefix(Self.pathPrefix) else {
            return Self.error(404, reason: "Not Found", message: "HTTP 404 Not Found")
        }
        let method = String(http.path.dropFirst(Self.pathPrefix.count))
        guard method == "findById/party" || method == "suggest/party" else {
            return Self.error(404, reason: "Not Found", message: "HTTP 404 Not Found")
        }
        guard http.method == "POST" else {
            return Self.error(405, reason: "Method Not Allowed", message: "HTTP 405 Method Not Allowed")
        }
        guard let body = request.body, body.object != nil, let query = body["query"]?.string, !query.isEmpty else {
            return Self.error(400, reason: "Bad Request", message: "Query is empty or the body is not JSON")
        }
        let latency = script.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        return await render(script.nextOutcome(), method: method, query: query, body: body)
    }

    private func render(_ outcome: FakeCompanyDataOutcome, method: String, query: String, body: FakeJSON) async -> FakeHTTPResponse {
        switch outcome {
        case .answer:
            _ = script.countCall()
            let companies = method == "findById/party" ? findById(query, body: body) : suggest(query, body: body)
            return .json(200, ["suggestions": .array(companies.map { suggestion($0) })])
        case .quotaExhausted, .inBandQuotaExhausted:
            return Self.error(403, reason: "Forbidden", message: "Feature 'SUGGESTIONS' disabled for token '\(apiKey)'")
        case .unauthorized:
            return Self.error(403, reason: "Forbidden", message: "HTTP 403 Forbidden")
        case .rateLimited(let seconds):
            return Self.error(429, reason: "Too Many Requests", message: "HTTP 429 Too Many Requests",
                              headers: seconds.map { [FakeHeader("retry-after", String($0))] } ?? [])
        case .serverError:
            return FakeHTTPResponse.json(500, ["family": "SERVER_ERROR", "reason": "Internal Server Error", "message": "HTTP 500 Internal Server Error"])
        case .garbage(let text):
            return FakeHTTPResponse(status: 200, headers: [], body: text)
        case .raw(let status, let headers, let text):
            return FakeHTTPResponse(status: status, headers: headers, body: text)
        case .delayed(let delay, let then):
            try? await Task.sleep(for: delay)
            return await render(then, method: method, query: query, body: body)
        }
    }

    /// By INN or OGRN; `type` LEGAL or INDIVIDUAL and `kpp` narrow it; `count` caps it.
    private func findById(_ query: String, body: FakeJSON) -> [FakeCompany] {
        let digits = query.filter { !$0.isWhitespace }
        var found = script.companies.filter { $0.inn == digits || $0.ogrn == digits }
        switch body["type"]?.string {
        case "LEGAL": found = found.filter { !$0.isSoleProprietor }
        case "INDIVIDUAL": found = found.filter(\.isSoleProprietor)
        default: break
        }
        if let kpp = body["kpp"]?.string {
            found = found.filter { $0.kpp == kpp }
        }
        return Array(found.prefix(Self.count(body, default: 10)))
    }

    /// Every word of the query starts a word of the name (or the query starts the INN or OGRN);
    /// `status` and `locations[].kladr_id` filter; `count` (at most 20) caps.
    private func suggest(_ query: String, body: FakeJSON) -> [FakeCompany] {
        let queryWords = Self.words(query)
        let statuses = body["status"]?.array?.compactMap(\.string)
        let kladrPrefixes = body["locations"]?.array?.compactMap { $0["kladr_id"]?.string }
        let found = script.companies.filter { company in
            let nameWords = Self.words(company.shortName + " " + company.fullName)
            let byName = !queryWords.isEmpty && queryWords.allSatisfy { word in nameWords.contains { $0.hasPrefix(word) } }
            let byNumber = company.inn.hasPrefix(query) || company.ogrn.hasPrefix(query)
            guard byName || byNumber else { return false }
            if let statuses, !statuses.isEmpty, !statuses.contains(company.status.daData) { return false }
            if let kladrPrefixes, !kladrPrefixes.isEmpty,
               !kladrPrefixes.contains(where: { Self.kladrID(company).hasPrefix($0) }) { return false }
            return true
        }
        return Array(found.prefix(min(Self.count(body, default: 10), 20)))
    }

    private static func count(_ body: FakeJSON, default fallback: Int) -> Int {
        max(1, body["count"]?.int ?? fallback)
    }

    private static func words(_ text: String) -> [String] {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    private static func kladrID(_ company: FakeCompany) -> String {
        company.regionCode + "00000000000"
    }

    /// One company as DaData's suggestion.
    private func suggestion(_ company: FakeCompany) -> FakeJSON {
        let legal = !company.isSoleProprietor
        let registered = FakeJSON.int(company.registrationEpochMilliseconds)
        let nameParts = company.director?.name.split(separator: " ").map(String.init) ?? []
        func part(_ index: Int) -> FakeJSON { index < nameParts.count ? .string(nameParts[index]) : .null }
        let fio: FakeJSON = ["surname": part(0), "name": part(1), "patronymic": part(2), "gender": .null, "source": .null, "qc": .null]

        var management = FakeJSON.null
        var managers = FakeJSON.null
        if legal, let director = company.director {
            management = ["name": .string(director.name), "post": .string(director.position), "disqualified": .null]
            if paidPlan {
                let inn: FakeJSON = director.inn.map { FakeJSON.string($0) } ?? .null
                let manager: FakeJSON = ["inn": inn, "fio": fio, "post": .string(director.position), "type": "EMPLOYEE"]
                managers = .array([manager])
            }
        }
        var finance = FakeJSON.null
        if paidPlan, let latest = company.latestRevenue {
            finance = ["tax_system": .null, "income": .int(Int(latest.roubles)), "expense": .null, "revenue": .int(Int(latest.roubles)),
                       "debt": .null, "penalty": .null, "year": .int(latest.year)]
        }
        var okveds = FakeJSON.null
        var phones = FakeJSON.null
        var emails = FakeJSON.null
        var employeeCount = FakeJSON.null
        if paidPlan {
            let activities = [company.mainActivity] + company.extraActivities
            var items: [FakeJSON] = []
            for (index, activity) in activities.enumerated() {
                let item: FakeJSON = ["main": .bool(index == 0), "type": "2014", "code": .string(activity.code), "name": .string(activity.name)]
                items.append(item)
            }
            okveds = .array(items)
            if !company.phones.isEmpty { phones = .array(company.phones.map { Self.contact($0) }) }
            if !company.emails.isEmpty { emails = .array(company.emails.map { Self.contact($0) }) }
            if let headcount = company.headcount { employeeCount = .int(headcount) }
        }
        let kpp: FakeJSON = company.kpp.map { FakeJSON.string($0) } ?? .null
        let state: FakeJSON = [
            "status": .string(company.status.daData),
            "code": .null,
            "actuality_date": registered,
            "registration_date": registered,
            "liquidation_date": company.status == .liquidated ? registered : FakeJSON.null,
        ]
        let name: FakeJSON = [
            "full_with_opf": .string(company.fullName),
            "short_with_opf": .string(company.shortName),
            "latin": .null,
            "full": .string(company.fullName),
            "short": .string(company.shortName),
        ]
        let addressData: FakeJSON = [
            "country": "Россия",
            "region_kladr_id": .string(Self.kladrID(company)),
            "region_with_type": .string(company.regionName),
            "region_iso_code": .null,
            "city": .string(company.city),
            "geo_lat": .null,
            "geo_lon": .null,
            "timezone": .null,
        ]
        let address: FakeJSON = [
            "value": .string(company.address),
            "unrestricted_value": .string(company.address),
            "invalidity": .null,
            "data": addressData,
        ]
        let branchType: FakeJSON = legal ? .string("MAIN") : .null
        let branchCount: FakeJSON = legal ? .int(0) : .null
        let type: FakeJSON = .string(legal ? "LEGAL" : "INDIVIDUAL")
        let proprietor: FakeJSON = legal ? .null : fio

        var data: [String: FakeJSON] = [
            "kpp": kpp, "capital": .null, "invalid": .null, "management": management, "managers": managers,
            "founders": .null, "branch_type": branchType, "branch_count": branchCount, "source": .null, "qc": .null,
            "hid": .string("fake-hid-" + company.inn), "type": type, "state": state, "opf": .null, "name": name, "fio": proprietor,
        ]
        let numbers: [String: FakeJSON] = [
            "inn": .string(company.inn), "ogrn": .string(company.ogrn), "okpo": .null, "okato": .null, "oktmo": .null,
            "okogu": .null, "okfs": .null, "okved": .string(company.mainActivity.code), "okveds": okveds, "okved_type": "2014",
        ]
        let rest: [String: FakeJSON] = [
            "authorities": .null, "documents": .null, "licenses": .null, "finance": finance, "address": address,
            "phones": phones, "emails": emails, "ogrn_date": registered, "employee_count": employeeCount,
        ]
        data.merge(numbers) { _, new in new }
        data.merge(rest) { _, new in new }
        return ["value": .string(company.shortName), "unrestricted_value": .string(company.fullName), "data": .object(data)]
    }

    /// DaData's phone and e-mail items: `{"value", "unrestricted_value", "data": {…}}`.
    private static func contact(_ value: String) -> FakeJSON {
        ["value": .string(value), "unrestricted_value": .string(value), "data": ["source": .string(value)]]
    }

    static func error(_ status: Int, reason: String, message: String, headers: [FakeHeader] = []) -> FakeHTTPResponse {
        .json(status, ["family": "CLIENT_ERROR", "reason": .string(reason), "message": .string(message)], headers: headers)
    }
}
