import Foundation
import LLM
import Testing

@Suite struct LLMPriceTableLoadingTests {
    @Test func withoutTheVariableTheTableIsEmpty() throws {
        #expect(try LLMPriceTable.load(environment: [:]).models.isEmpty)
    }

    @Test func theFileNamedByTheVariableIsRead() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString).json")
        try Data(#"{"currency":"RUB","models":{"gpt-4.1-mini":{"inputPerMillion":40,"outputPerMillion":160}}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let table = try LLMPriceTable.load(environment: [LLMPriceTable.environmentVariable: file.path])
        #expect(table.currency == "RUB")
        #expect(table.costMicros(model: "gpt-4.1-mini", usage: LLMUsage(inputTokens: 1_000, outputTokens: 100)) == 56_000)
    }

    @Test func aBrokenFileIsAnErrorNamingIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString).json")
        try Data("{not json".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: LLMPriceTableError.self) {
            try LLMPriceTable.load(environment: [LLMPriceTable.environmentVariable: file.path])
        }
        #expect(error?.description.contains(file.path) == true)
    }
}
