import ArgumentParser
import Domain
import Foundation
import Observability
import Storage

/// Sets one tenant's monthly enrichment allowance: the operator's lever until plans arrive with
/// billing, the same as the field on the console's tenant page. The change applies at once (to
/// the current month too) and goes on the tenant's audit trail with the old and new limit.
struct SetQuota: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-quota",
        abstract: "Set a company's monthly enrichment quota (successful enrichments a month; 0 stops enrichment).")

    @OptionGroup var storage: StorageOptions

    @Option(help: "The company: its id, or its exact name.")
    var company: String

    @Option(help: "Successful enrichments a month, from 0 to 10,000,000.")
    var limit: String

    func validate() throws {
        guard EnrichmentQuota.monthlyLimit(limit) != nil else {
            throw ValidationError("--limit must be a whole number from 0 to \(EnrichmentQuota.maximumMonthlyLimit)")
        }
    }

    func run() async throws {
        guard let newLimit = EnrichmentQuota.monthlyLimit(limit) else {
            throw ValidationError("--limit must be a whole number from 0 to \(EnrichmentQuota.maximumMonthlyLimit)")
        }
        let logger = try storage.startLogging(label: "smartysales.admin")
        let persistence = try await storage.openDatabase(logger: logger)
        do {
            let matches = try await CompanyRepository(persistence: persistence).companies(matching: company)
            guard let target = matches.first else { throw ValidationError("no company with the id or name \"\(company)\"") }
            guard matches.count == 1 else {
                let ids = matches.map(\.id.uuidString).joined(separator: ", ")
                throw ValidationError("\(matches.count) companies are named \"\(company)\"; give one of their ids: \(ids)")
            }
            let quotas = EnrichmentQuotaRepository(persistence: persistence)
            let before = try await quotas.quota(companyID: target.id)
            try await quotas.setMonthlyLimit(companyID: target.id, limit: newLimit)
            let auditFile = try FileAuditSink(directory: storage.logDirectory)
            let audit = FanOutAuditSink(sinks: [AuditRepository(persistence: persistence), auditFile])
            await audit.record(AuditEvent(kind: "platform.quota_changed", companyID: target.id, actor: "command line",
                                          details: ["from": String(before.limit), "to": String(newLimit), "via": "command line"]))
            print("\(target.name) (\(target.id)): monthly enrichment quota \(before.limit) -> \(newLimit); used this month: \(before.used)")
        } catch {
            await persistence.shutdown()
            throw error
        }
        await persistence.shutdown()
    }
}
