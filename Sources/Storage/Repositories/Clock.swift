import Foundation

/// Time as Storage sees it; tests move it forward instead of sleeping.
public protocol StorageClock: Sendable {
    func now() -> Date
}

public struct SystemStorageClock: StorageClock {
    public init() {}
    public func now() -> Date { Date() }
}
