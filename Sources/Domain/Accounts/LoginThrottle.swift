import Foundation

/// Limits on failed sign-ins. Counted separately per account (guessing one user's password) and
/// per IP address (trying many accounts from one place), over a sliding window.
public struct LoginThrottlePolicy: Sendable, Equatable {
    public var window: TimeInterval
    public var maxFailuresPerAccount: Int
    public var maxFailuresPerAddress: Int

    public init(window: TimeInterval = 15 * 60, maxFailuresPerAccount: Int = 5, maxFailuresPerAddress: Int = 20) {
        self.window = window
        self.maxFailuresPerAccount = maxFailuresPerAccount
        self.maxFailuresPerAddress = maxFailuresPerAddress
    }

    public func isThrottled(accountFailures: Int, addressFailures: Int) -> Bool {
        accountFailures >= maxFailuresPerAccount || addressFailures >= maxFailuresPerAddress
    }
}
