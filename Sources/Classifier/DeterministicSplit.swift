/// A train/test split that is the same on every machine, in every language: conformance figures
/// are comparable between runs, and the Python prototype that set the targets split the corpora
/// exactly as `classifier eval` does.
///
/// The items (in the order given: sorted file names, or line order) are shuffled by Fisher–Yates
/// driven by SplitMix64 from the seed — the shuffle matters, the Enron sentences are sorted
/// alphabetically — and the first ⌊n·fraction + ½⌋ are the training part.
public enum DeterministicSplit {
    public static func split<Item>(_ items: [Item], trainingFraction: Double, seed: UInt64) -> (training: [Item], test: [Item]) {
        let order = shuffled(items, seed: seed)
        let trainingCount = min(items.count, max(0, Int((Double(items.count) * trainingFraction + 0.5).rounded(.down))))
        return (Array(order[..<trainingCount]), Array(order[trainingCount...]))
    }

    public static func shuffled<Item>(_ items: [Item], seed: UInt64) -> [Item] {
        var items = items
        var generator = SplitMix64(seed: seed)
        var index = items.count - 1
        while index > 0 {
            let other = Int(generator.next() % UInt64(index + 1))
            items.swapAt(index, other)
            index -= 1
        }
        return items
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and fully specified, so any language can
/// reproduce its sequence. Not for anything secret.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
