import ArgumentParser
import CompanyData
import Domain
import Foundation
import Storage

/// Fills a tenant with made-up clients: for demonstrations, and for `scripts/bench clients`,
/// which needs 100,000 of them. Every INN passes its checksum and every region and OKVED code
/// is real, so the list's filters behave as they would on real data; the names say they are
/// made up. Nothing here calls a provider.
struct SeedClients: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-clients",
        abstract: "Add made-up clients (valid INNs, real region and OKVED codes) to the company of the given user, for demos and load tests.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "E-mail address of a user of the company to fill.")
    var email: String

    @Option(help: "How many clients to add.")
    var count: Int = 1_000

    @Option(help: "Seed for the made-up data; the same seed gives the same clients.")
    var seed: UInt64 = 1

    func run() async throws {
        guard let address = EmailAddress(email) else { throw ValidationError("not an e-mail address: \(email)") }
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be between 1 and 1,000,000") }
        let logger = try storage.startLogging(label: "smartysales.admin")
        let persistence = try await storage.openDatabase(logger: logger)
        do {
            guard let companyID = try await UserRepository(persistence: persistence).credentialsForSignIn(email: address)?.user.companyID else {
                throw ValidationError("\(address) is not a member of any company")
            }
            var generator = DemoClientGenerator(seed: seed, okved: try OKVEDTree.bundled(), regions: try RegionCatalog.bundled())
            let clients = ClientRepository(persistence: persistence)
            let started = ContinuousClock.now
            var created = 0
            var offset = 0
            // Parts of 5,000: one transaction each, so SQLite's writer is never held for long.
            while offset < count {
                let part = (offset..<min(count, offset + 5_000)).map { generator.record(number: $0) }
                created += try await clients.importRecords(companyID: companyID, part, origin: .search).count
                offset += part.count
            }
            let elapsed = (ContinuousClock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            print("added \(created) clients (\(count - created) were there already) in \(String(format: "%.1f", seconds)) s")
        } catch {
            await persistence.shutdown()
            throw error
        }
        await persistence.shutdown()
    }
}

/// Made-up but plausible registry records, the same for the same seed.
struct DemoClientGenerator {
    private var state: UInt64
    private let okvedCodes: [String]
    private let regionCodes: [String]
    private let fetchedAt = Date()

    init(seed: UInt64, okved: OKVEDTree, regions: RegionCatalog) {
        state = seed
        // Classes and below: what companies register as their main activity.
        okvedCodes = okved.entries.filter { $0.level >= 2 }.map(\.code)
        regionCodes = regions.all.map(\.code)
    }

    private static let words = ["Альфа", "Вектор", "Гранит", "Дельта", "Исток", "Каскад", "Лидер", "Меридиан", "Норд", "Орион",
                                "Прогресс", "Ресурс", "Сигма", "Техно", "Урал", "Феникс", "Эталон", "Янтарь", "Балтика", "Восход"]
    private static let kinds = ["Логистик", "Строй", "Трейд", "Софт", "Агро", "Маркет", "Сервис", "Инжиниринг", "Медиа", "Пром"]

    /// SplitMix64: tiny, fast, and good enough to spread made-up values.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }

    mutating func record(number: Int) -> CompanyRecord {
        // `99` starts no real INN (it is no region code), so made-up clients never collide with real ones.
        let leading = "99" + String(format: "%07d", number % 10_000_000)
        let inn = RussianCompanyNumber.completing(leading, as: .inn10)?.digits ?? leading + "0"
        var record = CompanyRecord(inn: inn)
        let source = CompanyDataSource(rawValue: "demo")
        let name = "\(pick(Self.words)) \(pick(Self.kinds)) \(number + 1) (демо)"
        record.shortName = Sourced("ООО «\(name)»", source: source, fetchedAt: fetchedAt)
        record.fullName = Sourced("Общество с ограниченной ответственностью «\(name)»", source: source, fetchedAt: fetchedAt)
        record.status = Sourced(next() % 10 == 0 ? .liquidated : .active, source: source, fetchedAt: fetchedAt)
        record.regionCode = Sourced(pick(regionCodes), source: source, fetchedAt: fetchedAt)
        record.mainOKVED = Sourced(OKVEDActivity(code: pick(okvedCodes)), source: source, fetchedAt: fetchedAt)
        // Most small companies publish neither figure: a third of the records go without.
        if next() % 3 != 0 {
            record.revenue = Sourced(CompanyRevenue(year: 2025, roubles: Int64(next() % 5_000_000_000)), source: source, fetchedAt: fetchedAt)
            record.headcount = Sourced(Int(next() % 2_000) + 1, source: source, fetchedAt: fetchedAt)
        }
        return record
    }
}
