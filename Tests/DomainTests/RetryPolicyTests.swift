import Domain
import Testing

@Suite struct RetryPolicyTests {
    @Test func ceilingDoublesUpToTheCap() {
        let policy = RetryPolicy(base: 5, cap: 60)
        #expect(policy.ceiling(afterAttempt: 1) == 5)
        #expect(policy.ceiling(afterAttempt: 2) == 10)
        #expect(policy.ceiling(afterAttempt: 4) == 40)
        #expect(policy.ceiling(afterAttempt: 5) == 60)
        #expect(policy.ceiling(afterAttempt: 50) == 60)
    }

    @Test func jitterStaysWithinTheCeilingAndNeverReachesZero() {
        let policy = RetryPolicy(base: 5, cap: 3600)
        #expect(policy.delay(afterAttempt: 3, random: 0) == 1)
        #expect(policy.delay(afterAttempt: 3, random: 1) == 20)
        #expect(policy.delay(afterAttempt: 3, random: 0.5) == 10)
        let samples = (0..<200).map { _ in policy.delay(afterAttempt: 6) }
        #expect(samples.allSatisfy { $0 >= 1 && $0 <= 160 })
        #expect(Set(samples).count > 100, "jitter must spread retries")
    }

    @Test func throttleCountsAccountAndAddressSeparately() {
        let policy = LoginThrottlePolicy(maxFailuresPerAccount: 5, maxFailuresPerAddress: 20)
        #expect(!policy.isThrottled(accountFailures: 4, addressFailures: 19))
        #expect(policy.isThrottled(accountFailures: 5, addressFailures: 0))
        #expect(policy.isThrottled(accountFailures: 0, addressFailures: 20))
    }
}
