import Classifier

/// Classifies a tenant's messages into the tenant's categories: with the tenant's LLM when one is
/// configured, with the embedded classifier when not, and with the embedded classifier in place
/// of a model that fails.
///
/// With a model, messages go in batches of `options.batchSize`, one call each, up to
/// `options.maxConcurrentBatches` calls at once. Every answer is validated against the request
/// (`ClassificationAnswerReader`); messages an answer leaves out are asked about again, alone,
/// up to `options.retryRoundsForMissing` times, then go to review as "no answer". When a call
/// throws, the messages it carried get the embedded classifier's verdicts if the engine has one;
/// otherwise `classify` throws `ClassificationIncomplete` holding the verdicts it did get.
public struct ClassificationEngine: Sendable {
    /// The tenant's client (usually the reliable wrapper with retries, fallback and limits);
    /// nil when the tenant has no key, and the embedded classifier does all the work.
    public let llm: (any LLMClient)?
    /// The tenant's trained classifier: the whole classifier without a model, the fallback and
    /// the optional cheap first pass with one.
    public let embedded: EmbeddedClassifier?
    public let options: ClassificationOptions

    public init(llm: (any LLMClient)?, embedded: EmbeddedClassifier? = nil, options: ClassificationOptions = ClassificationOptions()) {
        self.llm = llm
        self.embedded = embedded
        self.options = options
    }

    /// One verdict per message, in the order given. Without a model and without a trained
    /// classifier, a classifier seeded from the categories alone answers.
    public func classify(_ messages: [ClassificationMessage], into categories: [ClassificationCategory]) async throws -> [ClassificationVerdict] {
        let prompt = ClassificationPrompt(categories: categories)
        guard !prompt.categories.isEmpty else {
            return messages.map { ClassificationVerdict.unanswered(messageID: $0.id, reason: "no categories") }
        }
        guard let llm else {
            let classifier = embedded ?? EmbeddedClassifier(categories: prompt.categories.map(\.seed))
            return messages.map { embeddedVerdict(for: $0, by: classifier, prompt: prompt) }
        }

        var verdicts = [ClassificationVerdict?](repeating: nil, count: messages.count)
        var forModel: [Int] = []
        for (index, message) in messages.enumerated() {
            if let shortcut = shortcutVerdict(for: message, prompt: prompt) {
                verdicts[index] = shortcut
            } else {
                forModel.append(index)
            }
        }

        let batchSize = max(1, options.batchSize)
        let batches = stride(from: 0, to: forModel.count, by: batchSize).map {
            Array(forModel[$0..<min($0 + batchSize, forModel.count)])
        }
        let outcomes = try await run(batches, of: messages, prompt: prompt, using: llm)

        var unclassified: [Int] = []
        var firstFailure: (any Error)?
        for outcome in outcomes {
            for (index, verdict) in outcome.verdicts {
                verdicts[index] = verdict
            }
            unclassified += outcome.failed
            if firstFailure == nil { firstFailure = outcome.failure }
        }
        if let firstFailure, !unclassified.isEmpty {
            throw ClassificationIncomplete(verdicts: verdicts.compactMap { $0 },
                                           unclassifiedMessageIDs: unclassified.sorted().map { messages[$0].id },
                                           cause: firstFailure)
        }
        return zip(messages, verdicts).map { message, verdict in
            verdict ?? ClassificationVerdict.unanswered(messageID: message.id, reason: "no answer")
        }
    }

    /// What became of one batch: verdicts by message index, and the indices the model failed on
    /// with no embedded classifier to take over.
    private struct BatchOutcome: Sendable {
        var verdicts: [Int: ClassificationVerdict] = [:]
        var failed: [Int] = []
        var failure: (any Error)?
    }

    /// The batches, at most `maxConcurrentBatches` in flight: a new one starts as one finishes.
    private func run(_ batches: [[Int]], of messages: [ClassificationMessage], prompt: ClassificationPrompt,
                     using llm: any LLMClient) async throws -> [BatchOutcome] {
        let width = max(1, options.maxConcurrentBatches)
        return try await withThrowingTaskGroup(of: BatchOutcome.self, returning: [BatchOutcome].self) { group in
            var outcomes: [BatchOutcome] = []
            for (number, batch) in batches.enumerated() {
                if number >= width, let finished = try await group.next() {
                    outcomes.append(finished)
                }
                group.addTask {
                    try await self.classifyBatch(batch, of: messages, prompt: prompt, using: llm)
                }
            }
            while let finished = try await group.next() {
                outcomes.append(finished)
            }
            return outcomes
        }
    }

    /// One batch: a call, then calls for whatever the answers left out. Throws only when
    /// cancelled.
    private func classifyBatch(_ batch: [Int], of messages: [ClassificationMessage], prompt: ClassificationPrompt,
                               using llm: any LLMClient) async throws -> BatchOutcome {
        var outcome = BatchOutcome()
        var pending = batch
        var rejected = Set<Int>()
        var calls = 0
        while !pending.isEmpty && calls <= max(0, options.retryRoundsForMissing) {
            calls += 1
            let request = prompt.request(for: pending.map { messages[$0] })
            let response: LLMResponse
            do {
                response = try await llm.complete(request.llmRequest)
            } catch {
                if error is CancellationError || Task.isCancelled { throw error }
                return fallBack(pending, of: messages, after: error, prompt: prompt, outcome: outcome)
            }
            let reading = ClassificationAnswerReader.read(response.output, keys: request.keys, categoryIDs: prompt.categoryIDs)
            let source = ClassificationSource.llm(provider: response.provider, model: response.model)
            var missing: [Int] = []
            for (position, index) in pending.enumerated() {
                if let answer = reading.answers[position] {
                    outcome.verdicts[index] = .answered(messageID: messages[index].id, answer: answer, source: source,
                                                        reviewThreshold: options.reviewThreshold)
                } else {
                    if reading.rejected.contains(position) { rejected.insert(index) }
                    missing.append(index)
                }
            }
            pending = missing
        }
        for index in pending {
            let reason = rejected.contains(index) ? "no valid answer: the model named an unknown category" : "no answer"
            outcome.verdicts[index] = .unanswered(messageID: messages[index].id, reason: reason)
        }
        return outcome
    }

    /// The model failed for these messages: the embedded classifier answers them, or they are
    /// reported unclassified with the failure.
    private func fallBack(_ pending: [Int], of messages: [ClassificationMessage], after error: any Error,
                          prompt: ClassificationPrompt, outcome: BatchOutcome) -> BatchOutcome {
        var outcome = outcome
        guard let embedded else {
            outcome.failed = pending
            outcome.failure = error
            return outcome
        }
        for index in pending {
            outcome.verdicts[index] = embeddedVerdict(for: messages[index], by: embedded, prompt: prompt)
        }
        return outcome
    }

    /// The cheap first pass: the embedded verdict when it is sure enough to skip the model.
    private func shortcutVerdict(for message: ClassificationMessage, prompt: ClassificationPrompt) -> ClassificationVerdict? {
        guard let threshold = options.embeddedShortcutThreshold, let embedded else { return nil }
        let verdict = embeddedVerdict(for: message, by: embedded, prompt: prompt)
        return !verdict.needsReview && verdict.confidence >= threshold ? verdict : nil
    }

    private func embeddedVerdict(for message: ClassificationMessage, by classifier: EmbeddedClassifier,
                                 prompt: ClassificationPrompt) -> ClassificationVerdict {
        .embedded(messageID: message.id, verdict: classifier.classify(message.classifierInput),
                  knownCategoryIDs: prompt.categoryIDs)
    }
}
