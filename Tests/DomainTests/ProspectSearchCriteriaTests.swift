import Domain
import Foundation
import Testing

/// Criteria are stored as JSON with saved searches and runs: those written with one
/// `includeSubtrees` flag for every code must still read as they meant.
@Suite struct ProspectSearchCriteriaTests {
    static func decode(_ json: String) throws -> ProspectSearchCriteria {
        try JSONDecoder().decode(ProspectSearchCriteria.self, from: Data(json.utf8))
    }

    @Test func criteriaWithTheOldGlobalFlagStillLoad() throws {
        let with = try Self.decode(#"{"activeOnly":true,"includeSubtrees":true,"okvedCodes":["62","46.51"],"regionCodes":["77"],"revenueMin":1000}"#)
        #expect(with.subtreeCodes == ["62", "46.51"])
        #expect(with.includesSubtree(of: "46.51"))
        #expect(with.includeSubtrees)
        #expect(with == ProspectSearchCriteria(okvedCodes: ["62", "46.51"], includeSubtrees: true, regionCodes: ["77"], revenueMin: 1000))

        let without = try Self.decode(#"{"activeOnly":false,"includeSubtrees":false,"okvedCodes":["62"],"regionCodes":[]}"#)
        #expect(without.subtreeCodes.isEmpty)
        #expect(!without.includesSubtree(of: "62"))
        #expect(!without.activeOnly)
    }

    @Test func eachCodeKeepsItsOwnChoiceThroughJSON() throws {
        let mixed = ProspectSearchCriteria(okvedCodes: ["62", "46.51"], subtreeCodes: ["62"], regionCodes: ["50"])
        let decoded = try JSONDecoder().decode(ProspectSearchCriteria.self, from: JSONEncoder().encode(mixed))
        #expect(decoded == mixed)
        #expect(decoded.includesSubtree(of: "62"))
        #expect(!decoded.includesSubtree(of: "46.51"))
        #expect(!decoded.includeSubtrees && !decoded.excludesSubtrees)
    }

    @Test func subtreeCodesOutsideThePickedOnesAreDropped() {
        let criteria = ProspectSearchCriteria(okvedCodes: ["62"], subtreeCodes: ["62", "01"])
        #expect(criteria.subtreeCodes == ["62"])
    }
}
