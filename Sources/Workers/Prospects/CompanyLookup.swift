import CompanyData
import Domain
import Foundation

/// One company by INN through the tenant's company-data providers (`CompanyDataSources`): what
/// adding a client by hand asks before anything is stored. A registry look-up, not an
/// enrichment: no quota is read or charged, no web search is made. Each call still goes to the
/// audit trail like any provider call.
///
/// Providers are asked in the tenant's order until one knows the company; enrichment fills in
/// what the others have later.
public struct CompanyLookup: Sendable {
    let companyData: CompanyDataSources

    public init(companyData: CompanyDataSources) {
        self.companyData = companyData
    }

    public enum Outcome: Sendable {
        /// The registry record of the first provider that knows the company.
        case found(CompanyRecord)
        /// Every provider asked answered that it knows no such company.
        case notFound
        /// Nobody could say: no provider that looks companies up by INN is configured, or none
        /// of them answered (`reasons`, one per provider that failed, never a key).
        case unchecked(reasons: [String])
    }

    public func find(_ number: RussianCompanyNumber, companyID: UUID) async throws -> Outcome {
        let providers = try await companyData.providers(forCompany: companyID).filter { $0.capabilities.contains(.findByINN) }
        var answered = 0
        var reasons: [String] = []
        for provider in providers {
            do {
                if var record = try await provider.findByINN(number) {
                    // Stored under the INN that was typed and checked, whatever the provider echoes.
                    record.inn = number.digits
                    return .found(record)
                }
                answered += 1
            } catch CompanyDataError.notFound(_, _) {
                answered += 1
            } catch let error as CompanyDataError {
                reasons.append(error.description)
            }
        }
        // One provider failing while another knew nothing is no proof the company does not exist.
        return answered > 0 && reasons.isEmpty ? .notFound : .unchecked(reasons: reasons)
    }
}
