import Domain
import Foundation

/// Messages per category per day as an SVG drawn on the server: one stacked bar per day, a
/// segment per category in its colour, a y axis with a few round figures, the day under each
/// bar. Every segment carries a `<title>` with its figure (a tooltip, and what a screen reader
/// reads), the chart a title and a description.
///
/// Only presentation attributes (`fill`, `font-size`…) are used, never `style`: the content
/// security policy refuses inline styles. All text is escaped, and colours that are not
/// `#rrggbb` are replaced, so nothing a tenant typed can break out of the markup. Pages show it
/// as an image (``imageSource(id:)``): templates never render unescaped markup.
struct CategoryDayChart {
    struct Series {
        let name: String
        let colour: String
        /// Aligned with ``CategoryDayChart/dayLabels``.
        let counts: [Int]
    }

    /// The chart's accessible name.
    let heading: String
    /// The chart's accessible description: the figures in words.
    let summary: String
    let dayLabels: [String]
    /// Drawn bottom up in this order.
    let series: [Series]

    static let width = 720.0
    static let height = 240.0
    static let marginLeft = 44.0
    static let marginRight = 8.0
    static let marginTop = 12.0
    static let marginBottom = 32.0
    /// For messages without a category, and for any colour that is not `#rrggbb`.
    static let neutralColour = "#9aa5b1"
    static let gridColour = "#d9e2ec"
    static let textColour = "#52606d"

    /// The messages of each day, all categories together.
    var dayTotals: [Int] {
        dayLabels.indices.map { day in series.reduce(0) { $0 + Self.count($1, day) } }
    }

    func svg(id: String = "inbox-chart") -> String {
        let top = Self.niceCeiling(dayTotals.max() ?? 0)
        let plotWidth = Self.width - Self.marginLeft - Self.marginRight
        let plotHeight = Self.height - Self.marginTop - Self.marginBottom
        let baseline = Self.marginTop + plotHeight
        let slot = plotWidth / Double(max(dayLabels.count, 1))
        let barWidth = slot * 0.7
        let titleID = Self.escape(id + "-title"), descID = Self.escape(id + "-desc")

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Self.number(Self.width)) \(Self.number(Self.height))\""
        out += " role=\"img\" aria-labelledby=\"\(titleID) \(descID)\" font-family=\"system-ui, sans-serif\">"
        out += "<title id=\"\(titleID)\">\(Self.escape(heading))</title>"
        out += "<desc id=\"\(descID)\">\(Self.escape(summary))</desc>"

        out += "<g class=\"chart-axis\">"
        for tick in Self.ticks(upTo: top) {
            let y = baseline - plotHeight * Double(tick) / Double(top)
            out += "<line x1=\"\(Self.number(Self.marginLeft))\" y1=\"\(Self.number(y))\" x2=\"\(Self.number(Self.width - Self.marginRight))\" y2=\"\(Self.number(y))\""
            out += " stroke=\"\(Self.gridColour)\" stroke-width=\"1\"/>"
            out += "<text x=\"\(Self.number(Self.marginLeft - 6))\" y=\"\(Self.number(y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"\(Self.textColour)\">\(tick)</text>"
        }
        out += "</g>"

        for (day, label) in dayLabels.enumerated() {
            let x = Self.marginLeft + slot * Double(day) + (slot - barWidth) / 2
            var y = baseline
            out += "<g class=\"chart-day\">"
            for item in series {
                let count = Self.count(item, day)
                guard count > 0 else { continue }
                let height = plotHeight * Double(count) / Double(top)
                y -= height
                out += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(barWidth))\" height=\"\(Self.number(height))\""
                out += " fill=\"\(Self.safeColour(item.colour))\"><title>\(Self.escape(label)) · \(Self.escape(item.name)): \(count)</title></rect>"
            }
            out += "<text x=\"\(Self.number(x + barWidth / 2))\" y=\"\(Self.number(baseline + 18))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(Self.textColour)\">"
            out += "\(Self.escape(label))</text></g>"
        }
        out += "</svg>"
        return out
    }

    /// The chart as a `data:` URL for an `<img>` (the content security policy allows `data:`
    /// images): a page embeds it as an escaped attribute, and the browser draws it as a static
    /// image in which nothing can run.
    func imageSource(id: String = "inbox-chart") -> String {
        "data:image/svg+xml;base64," + Data(svg(id: id).utf8).base64EncodedString()
    }

    // MARK: Pieces

    static func count(_ series: Series, _ day: Int) -> Int {
        series.counts.indices.contains(day) ? max(series.counts[day], 0) : 0
    }

    /// The smallest of 1, 2, 5, 10, 20, 50… that is at least `value` (1 for an empty chart).
    static func niceCeiling(_ value: Int) -> Int {
        guard value > 1 else { return 1 }
        var magnitude = 1
        while magnitude * 10 <= value { magnitude *= 10 }
        for step in [1, 2, 5, 10] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    /// Zero, the middle and the top, each once.
    static func ticks(upTo top: Int) -> [Int] {
        Array(Set([0, top / 2, top])).sorted()
    }

    static func safeColour(_ colour: String) -> String {
        InboxLabelRules.normalisedColour(colour) ?? neutralColour
    }

    /// One decimal, always with a point whatever the process locale.
    static func number(_ value: Double) -> String {
        String(format: "%.1f", locale: Locale(identifier: "en_US_POSIX"), value)
    }

    /// XML text and attribute escaping.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
