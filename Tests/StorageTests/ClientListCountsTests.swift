import Foundation
import Testing
@testable import Storage

@Suite struct ClientListCountsTests {
    let company = UUID()
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func keptCountsServeUntilTheyExpireOrTheClientsChange() async throws {
        let counts = ClientListCounts(lifetime: 10, capacity: 100)
        #expect(try await counts.values(company: company, key: "all", now: start) { [1] } == [1])
        #expect(try await counts.values(company: company, key: "all", now: start + 5) { [2] } == [1], "kept")
        #expect(try await counts.values(company: company, key: "all", now: start + 11) { [3] } == [3], "expired: counted again")
        counts.forget(company: company)
        #expect(try await counts.values(company: company, key: "all", now: start + 12) { [4] } == [4], "the clients changed")
    }

    @Test func whileOneCallerRecountsOthersGetTheExpiredCounts() async throws {
        let counts = ClientListCounts(lifetime: 10, capacity: 100)
        _ = try await counts.values(company: company, key: "all", now: start) { [1] }
        let (started, startedSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        let company = company, later = start + 11
        let recounting = Task {
            try await counts.values(company: company, key: "all", now: later) {
                startedSignal.yield()
                for await _ in release { break }
                return [2]
            }
        }
        for await _ in started { break }
        #expect(try await counts.values(company: company, key: "all", now: later) { Issue.record("a second count"); return [-1] } == [1])
        releaseSignal.yield()
        #expect(try await recounting.value == [2])
        #expect(try await counts.values(company: company, key: "all", now: later + 1) { [-1] } == [2])
    }

    @Test func afterAChangeNobodyGetsTheOldCounts() async throws {
        let counts = ClientListCounts(lifetime: 10, capacity: 100)
        _ = try await counts.values(company: company, key: "all", now: start) { [1] }
        counts.forget(company: company)
        #expect(try await counts.values(company: company, key: "all", now: start + 11) { [5] } == [5])
    }
}
