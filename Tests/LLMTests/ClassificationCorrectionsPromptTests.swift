import Foundation
import LLM
import Testing

/// People's corrections in the system part: beside the typed examples, a few per category,
/// newest first, within one character budget shared fairly between the categories.
@Suite struct ClassificationCorrectionsPromptTests {
    static let marker = "  Corrected by a person into this category: "

    /// A 290-character correction text that names its category and place.
    static func text(_ category: String, _ index: Int) -> String {
        let head = "\(category)-\(index) "
        return head + String(repeating: "x", count: 290 - head.count)
    }

    static func lines(of categoryID: String, in system: String) -> [String] {
        let lines = system.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("- \"\(categoryID)\":") }) else { return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.filter { $0.hasPrefix(marker) }
    }

    @Test func correctionsAreCappedPerCategoryAndInAll() {
        let categories = ["a", "b", "c"].map { id in
            ClassificationCategory(id: id, name: "Категория \(id)", examples: ["typed \(id)"], corrections: (0..<8).map { Self.text(id, $0) })
        }
        let system = ClassificationPrompt(categories: categories).system
        // 5 a category would be 15 × 290 characters, over the 4,000 budget: 13 fit, shared round by round.
        #expect(Self.lines(of: "a", in: system).count == 5)
        #expect(Self.lines(of: "b", in: system).count == 4)
        #expect(Self.lines(of: "c", in: system).count == 4)
        #expect(Self.lines(of: "a", in: system).first == Self.marker + Self.text("a", 0), "newest first")
        #expect(!system.contains("a-5 "), "no more than five a category")
        #expect(system.contains("  Example: typed b"), "typed examples stay")
    }

    @Test func correctionsAreForTheModelNotTheEmbeddedSeed() {
        let category = ClassificationCategory(id: "lead", name: "Заявка", examples: ["Просим КП"], corrections: ["Запрос цены — from zavod.ru"])
        #expect(category.seed.examples == ["Просим КП"])
        let system = ClassificationPrompt(categories: [category]).system
        #expect(system.contains(Self.marker + "Запрос цены — from zavod.ru"))
        #expect(!ClassificationPrompt(categories: [ClassificationCategory(id: "lead", name: "Заявка")]).system.contains("Corrected"))
    }
}
