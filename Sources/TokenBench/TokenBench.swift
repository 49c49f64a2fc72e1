import Foundation
import LLM

// `token-bench`: the engine's side of `scripts/bench tokens`.
//
// Tokens: the engine classifies 200 synthetic messages into 6 categories twice — batches of 10,
// and one call per message — against a fake model that gives the same answers either way, and
// every request it actually built is counted with `TokenEstimate` (system part, user part,
// schema, framing) together with the answer. Throughput: the batched run again, each call
// answered after 300 ms, with the tenant's concurrency limit, against the ideal for that limit.
//
// The last line is the summary `scripts/bench` prints for every benchmark. Tokens are
// less-is-better, so it gives messages per 1,000 tokens (more is better) and the ratio is ours
// over the one-call-per-message figure; the target is at least 2.

@main
enum TokenBench {
    static let messageCount = 200
    static let batchSize = 10
    /// The tenant's limits in the throughput run: the limiter's defaults (4 calls at once, 60 a
    /// minute; the run's 20 calls stay under the latter).
    static let tenantLimits = TenantRateLimiter.Limits()
    static let latency = Duration.milliseconds(300)

    static func main() async throws {
        let mail = SyntheticMail.messages(count: messageCount)
        let messages = mail.map(\.message)
        let categories = SyntheticMail.categories
        let truth = Dictionary(mail.map { ($0.message.subject, $0.categoryID) }, uniquingKeysWith: { first, _ in first })
        let fake = TruthAnsweringClient(truthBySubject: truth)

        let batched = try await tokenRun(batchSize: batchSize, messages: messages, categories: categories, answering: fake)
        let single = try await tokenRun(batchSize: 1, messages: messages, categories: categories, answering: fake)
        guard batched.categoryIDs == single.categoryIDs else {
            FileHandle.standardError.write(Data("token-bench: the two runs got different answers; the comparison is void\n".utf8))
            exit(1)
        }
        let correct = zip(batched.categoryIDs, mail).filter { $0.0 == $0.1.categoryID }.count

        print("== tokens per classified message (TokenEstimate), \(messageCount) synthetic messages, \(categories.count) categories")
        print(batched.summary(label: "batched, \(batchSize) a call"))
        print(single.summary(label: "one call per message"))
        print("same answers in both runs; \(correct)/\(messageCount) match the synthetic labels")

        let throughput = try await throughputRun(messages: messages, categories: categories, answering: fake)
        print("== throughput: \(milliseconds(latency)) ms a call, \(tenantLimits.maxConcurrent) calls at once, \(batchSize) messages a call (\(throughput.transport))")
        print("measured \(fixed(throughput.measuredRate)) classifications/s (\(throughput.messages) in \(fixed(throughput.seconds)) s); "
              + "ideal \(fixed(throughput.idealRate))/s; \(fixed(100 * throughput.measuredRate / throughput.idealRate))% of ideal")

        let ours = 1000 / batched.tokensPerMessage
        let peer = 1000 / single.tokensPerMessage
        print("tokens: ours \(fixed(ours)) messages/ktoken; one-per-message \(fixed(peer)) messages/ktoken; ratio \(fixed(ours / peer))")
    }

    /// What one way of packing the prompts cost.
    struct TokenRun {
        let messages: Int
        let calls: Int
        let inputTokens: Int
        let outputTokens: Int
        let systemTokens: Int
        let categoryIDs: [String?]

        var tokensPerMessage: Double { Double(inputTokens + outputTokens) / Double(max(messages, 1)) }

        func summary(label: String) -> String {
            "\(label): \(calls) calls, \(inputTokens) input tokens (\(systemTokens) of them the cacheable system part) + "
                + "\(outputTokens) output tokens = \(TokenBench.fixed(tokensPerMessage)) tokens/message"
        }
    }

    static func tokenRun(batchSize: Int, messages: [ClassificationMessage], categories: [ClassificationCategory],
                         answering: any LLMClient) async throws -> TokenRun {
        let tally = TokenTally()
        let engine = ClassificationEngine(
            llm: CountingClient(inner: answering, tally: tally),
            options: ClassificationOptions(batchSize: batchSize, maxConcurrentBatches: tenantLimits.maxConcurrent))
        let verdicts = try await engine.classify(messages, into: categories)
        return TokenRun(messages: messages.count, calls: await tally.calls, inputTokens: await tally.inputTokens,
                        outputTokens: await tally.outputTokens, systemTokens: await tally.systemTokens,
                        categoryIDs: verdicts.map(\.categoryID))
    }

    static func fixed(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int((seconds(duration) * 1000).rounded())
    }
}
