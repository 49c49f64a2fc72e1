import NIOCore

extension Duration {
    /// AsyncHTTPClient takes NIO's `TimeAmount`; configuration speaks `Duration`.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let cappedSeconds = min(max(seconds, 0), Int64.max / 1_000_000_000 - 1)
        return .nanoseconds(cappedSeconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Whole milliseconds, for log lines.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}
