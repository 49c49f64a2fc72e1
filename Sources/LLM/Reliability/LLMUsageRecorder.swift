/// Where usage events go. Storage implements it as an audit event; the memory one serves tests,
/// benchmarks and development.
public protocol LLMUsageRecorder: Sendable {
    func record(_ event: LLMUsageEvent) async
}

/// Keeps every event in memory, in order.
public actor MemoryLLMUsageRecorder: LLMUsageRecorder {
    public private(set) var events: [LLMUsageEvent] = []

    public init() {}

    public func record(_ event: LLMUsageEvent) {
        events.append(event)
    }
}
