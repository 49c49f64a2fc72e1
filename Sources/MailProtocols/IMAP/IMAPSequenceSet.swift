/// A set of UIDs (or sequence numbers) as IMAP writes them: `1:3,5,7:9`.
///
/// Kept as ranges so that `1:100000` costs one element, both when we send it and when an
/// ESEARCH reply hands one back.
public struct IMAPSequenceSet: Sendable, Equatable, CustomStringConvertible {
    public private(set) var ranges: [ClosedRange<UInt32>]

    /// Sorts and merges the numbers; duplicates and order do not matter.
    public init(_ numbers: some Sequence<UInt32>) {
        var sorted = Array(numbers)
        sorted.sort()
        var ranges: [ClosedRange<UInt32>] = []
        for number in sorted {
            if let last = ranges.last, last.upperBound == number || last.upperBound &+ 1 == number {
                ranges[ranges.count - 1] = last.lowerBound...number
            } else {
                ranges.append(number...number)
            }
        }
        self.ranges = ranges
    }

    public init(ranges: [ClosedRange<UInt32>]) {
        self.ranges = ranges
    }

    /// Parses `1:3,5,7:9` (a reversed range such as `9:7` is allowed by RFC 3501 and normalised).
    /// `*` has no value outside a command and is refused.
    public init?(parsing bytes: some Collection<UInt8>) {
        var ranges: [ClosedRange<UInt32>] = []
        for element in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let bounds = element.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2,
                  let first = IMAPValue.decimal(bounds[bounds.startIndex]).flatMap({ UInt32(exactly: $0) }),
                  let second = IMAPValue.decimal(bounds[bounds.index(before: bounds.endIndex)]).flatMap({ UInt32(exactly: $0) })
            else { return nil }
            ranges.append(min(first, second)...max(first, second))
        }
        self.ranges = ranges
    }

    public var isEmpty: Bool { ranges.isEmpty }

    public var count: Int {
        ranges.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound) + 1 }
    }

    /// Every number, in order. A hostile or broken server could announce `1:4294967295`;
    /// `limit` keeps that from exhausting memory.
    public func numbers(limit: Int = 10_000_000) -> [UInt32]? {
        guard count <= limit else { return nil }
        var numbers: [UInt32] = []
        numbers.reserveCapacity(count)
        for range in ranges { numbers.append(contentsOf: range) }
        return numbers
    }

    /// The wire form, `1:3,5,7:9`.
    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound):\($0.upperBound)" }
            .joined(separator: ",")
    }
}
