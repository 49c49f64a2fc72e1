import Foundation
import Testing
@testable import Web

@Suite struct CategoryDayChartTests {
    static let days = (1...14).map { String(format: "%02d.03", $0) }

    static func chart(series: [CategoryDayChart.Series]) -> CategoryDayChart {
        CategoryDayChart(heading: "Письма <по> дням", summary: "Счёт: 3 & прочее", dayLabels: days, series: series)
    }

    @Test func oneBarGroupPerDayWithASegmentPerNonZeroCount() {
        let invoices = CategoryDayChart.Series(name: "Счёт", colour: "#43A047", counts: [1, 0, 2] + Array(repeating: 0, count: 11))
        let leads = CategoryDayChart.Series(name: "Заявка", colour: "#1e88e5", counts: Array(repeating: 1, count: 14))
        let svg = Self.chart(series: [invoices, leads]).svg()
        #expect(svg.hasPrefix("<svg "))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.components(separatedBy: "<g class=\"chart-day\">").count - 1 == 14)
        #expect(svg.components(separatedBy: "<rect ").count - 1 == 2 + 14)
        for day in Self.days { #expect(svg.contains(">\(day)</text>")) }
        #expect(svg.contains("fill=\"#43a047\""), "colours are normalised to lower case")
        #expect(svg.contains("fill=\"#1e88e5\""))
        #expect(svg.contains("<title>03.03 · Счёт: 2</title>"), "each segment names its figure")
    }

    @Test func everythingATenantTypedIsEscaped() {
        let hostile = CategoryDayChart.Series(name: "<b>Счёт & \"Ко\"</b>", colour: "red\" onload=\"alert(1)", counts: [3] + Array(repeating: 0, count: 13))
        let svg = Self.chart(series: [hostile]).svg()
        #expect(svg.contains("&lt;b&gt;Счёт &amp; &quot;Ко&quot;&lt;/b&gt;"))
        #expect(!svg.contains("<b>"))
        #expect(!svg.contains("onload"), "a colour that is not #rrggbb never reaches an attribute")
        #expect(svg.contains("fill=\"\(CategoryDayChart.neutralColour)\""))
        #expect(svg.contains("<title id=\"inbox-chart-title\">Письма &lt;по&gt; дням</title>"))
        #expect(svg.contains("<desc id=\"inbox-chart-desc\">Счёт: 3 &amp; прочее</desc>"))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-labelledby=\"inbox-chart-title inbox-chart-desc\""))
        #expect(!svg.contains("style="), "the content security policy refuses inline styles")
    }

    @Test func emptyDaysDrawNoBarsAndTheAxisStillHasATop() {
        let svg = Self.chart(series: []).svg()
        #expect(svg.components(separatedBy: "<g class=\"chart-day\">").count - 1 == 14)
        #expect(!svg.contains("<rect "))
        #expect(svg.contains(">1</text>"), "an empty chart is scaled to 1")
    }

    @Test(arguments: [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (48, 50), (51, 100), (999, 1000)])
    func axisTopIsARoundNumber(value: Int, top: Int) {
        #expect(CategoryDayChart.niceCeiling(value) == top)
    }

    @Test func ticksAreZeroMiddleAndTop() {
        #expect(CategoryDayChart.ticks(upTo: 1) == [0, 1])
        #expect(CategoryDayChart.ticks(upTo: 20) == [0, 10, 20])
    }
}
