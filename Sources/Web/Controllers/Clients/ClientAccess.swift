import Domain
import Foundation
import Hummingbird

/// What each role may do with clients and their enrichment. Domain's ``Permission`` table has no
/// rows for the prospects pillar yet; until it grows them, the rules live here, in one table,
/// and the controllers ask it the way the rest of the app asks ``AccessPolicy``. Everything is
/// tenant-only: the platform scope reads clients through the console's own pages and nowhere else.
enum ClientRight: Sendable, CaseIterable {
    /// The list, the card, the notes, the enrichment progress; discovery's runs, results and
    /// saved searches.
    case view
    /// Add a client, move it along the pipeline, ask for enrichment, write and remove notes; run
    /// discovery searches, import their results, save, run again and delete searches.
    case work
    /// Remove a client with its notes.
    case delete
    /// Add, change and remove the company-data providers' API keys (they pass through these hands).
    case manageDataProviders
    /// The month's quota and what was charged.
    case viewUsage
}

enum ClientAccess {
    static func allows(_ role: Role, _ right: ClientRight) -> Bool {
        switch right {
        case .view: true
        case .work: role >= .manager
        case .delete, .manageDataProviders, .viewUsage: role >= .admin
        }
    }
}

extension AppRequestContext {
    /// The tenant member (404 for the platform scope, as for every tenant-only action) and the
    /// right asked for (403 otherwise).
    func require(client right: ClientRight) throws -> (Identity, TenantMember) {
        let identity = try identity()
        let member = try member()
        guard ClientAccess.allows(member.role, right) else { throw HTTPError(.forbidden) }
        return (identity, member)
    }
}
