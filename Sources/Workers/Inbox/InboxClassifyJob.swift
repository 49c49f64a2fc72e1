import AsyncHTTPClient
import Classifier
import Domain
import Foundation
import LLM
import Logging
import Observability
import Storage

/// `inbox.classify`: verdicts for a batch of stored messages, then their label actions.
///
/// Messages that have a verdict already are not asked about again, so a second run of the same
/// job changes nothing. The tenant's LLM classifies when `LLMConfigurationSource` names one (the
/// embedded classifier, trained from the categories and the tenant's corrections, stands in for a
/// provider that fails); without one the embedded classifier does it all. The trained classifier
/// is stored and reused until the categories or the corrections change. Every verdict in the
/// job (old or new) then goes through `LabelPlan` and `LabelActionRepository.enqueue`, which
/// records only actions that are new, and an `inbox.label` job is queued for every mailbox that
/// got new actions.
public struct InboxClassifyJob: JobHandler {
    public static let kind = InboxJobs.classifyKind
    public var kind: String { Self.kind }

    let messages: InboundMessageRepository
    let categories: CategoryRepository
    let rules: RuleRepository
    let classifications: ClassificationRepository
    let storedClassifiers: EmbeddedClassifierRepository
    let labels: LabelActionRepository
    let queue: JobQueue
    let llmConfigurations: any LLMConfigurationSource
    let httpClient: HTTPClient
    let limiter: TenantRateLimiter
    let prices: LLMPriceTable
    let audit: any AuditSink
    let now: @Sendable () -> Date
    let trainedClassifiers = TrainedClassifierCache()

    init(
        messages: InboundMessageRepository, categories: CategoryRepository, rules: RuleRepository,
        classifications: ClassificationRepository, storedClassifiers: EmbeddedClassifierRepository, labels: LabelActionRepository,
        queue: JobQueue, llmConfigurations: any LLMConfigurationSource, httpClient: HTTPClient, limiter: TenantRateLimiter, prices: LLMPriceTable,
        audit: any AuditSink, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.messages = messages
        self.categories = categories
        self.rules = rules
        self.classifications = classifications
        self.storedClassifiers = storedClassifiers
        self.labels = labels
        self.queue = queue
        self.llmConfigurations = llmConfigurations
        self.httpClient = httpClient
        self.limiter = limiter
        self.prices = prices
        self.audit = audit
        self.now = now
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let (payload, companyID) = try InboxJobs.decode(InboxJobs.ClassifyPayload.self, from: job)
        let stored = try await messages.messages(payload.messageIDs, companyID: companyID)
        guard !stored.isEmpty else { return }
        let settings = try await rules.settings(companyID: companyID)
        let active = try await categories.activeCategories(companyID: companyID)
        var current = try await classifications.classifications(stored.map(\.id), companyID: companyID)
        let classified = Set(current.map(\.messageID))
        let todo = stored.filter { !classified.contains($0.id) }
        if !todo.isEmpty {
            let verdicts = try await classify(todo, into: active, settings: settings, companyID: companyID, logger: context.logger)
            // What was saved, as it now stands (a person's correction made meanwhile stays).
            current += try await classifications.save(verdicts, companyID: companyID)
            await recordClassified(verdicts, companyID: companyID)
        }
        try await planLabels(for: current, categories: active, settings: settings, companyID: companyID)
    }

    // MARK: Classifying

    func classify(_ todo: [InboundMessage], into categories: [InboxCategory], settings: InboxSettings, companyID: UUID,
                  logger: Logger) async throws -> [NewClassification] {
        let prompted = categories.map {
            ClassificationCategory(id: $0.id.uuidString, name: $0.name, description: $0.description, examples: $0.examples)
        }
        let llm = try await llmClient(companyID: companyID, logger: logger)
        let engine = ClassificationEngine(
            llm: llm,
            embedded: try await embeddedClassifier(prompted, categories: categories, settings: settings, companyID: companyID, logger: logger),
            options: ClassificationOptions(reviewThreshold: settings.reviewThreshold))
        // The model learns from corrections only by seeing them: read fresh every job, so a
        // correction made (or deleted) since the last job is in (or out of) this prompt.
        var offered = prompted
        if llm != nil { offered = try await withCorrections(prompted, companyID: companyID) }
        let inputs = todo.map { message in
            ClassificationMessage(
                id: message.id.uuidString, sender: Self.sender(of: message), recipient: message.toAddresses.joined(separator: ", "),
                subject: message.subject, snippet: message.snippet, date: message.receivedAt)
        }
        do {
            return try await engine.classify(inputs, into: offered).compactMap(Self.newClassification)
        } catch let incomplete as ClassificationIncomplete {
            // Keep what the model did answer (it is paid for); the retry asks only about the rest.
            try await classifications.save(incomplete.verdicts.compactMap(Self.newClassification), companyID: companyID)
            throw incomplete.cause
        }
    }

    /// The categories with the newest of people's corrections into each, as example texts.
    private func withCorrections(_ prompted: [ClassificationCategory], companyID: UUID) async throws -> [ClassificationCategory] {
        let latest = try await classifications.latestCorrectionsByCategory(
            companyID: companyID, perCategory: ClassificationPrompt.maxCorrectionsPerCategory)
        guard !latest.isEmpty else { return prompted }
        return prompted.map { category in
            var offered = category
            offered.corrections = UUID(uuidString: category.id).flatMap { latest[$0] }?.map(CorrectionExampleText.make) ?? []
            return offered
        }
    }

    /// The tenant's client (retries, fallback between providers, per-tenant limits, usage as
    /// `llm.call` audit events), or nil when no provider is configured.
    private func llmClient(companyID: UUID, logger: Logger) async throws -> (any LLMClient)? {
        let providers = try await llmConfigurations.providers(forCompany: companyID)
        guard !providers.isEmpty else { return nil }
        return LLMClientFactory.reliableClient(
            providers: providers, httpClient: httpClient, tenantID: companyID.uuidString, limiter: limiter,
            recorder: AuditLLMUsageRecorder(sink: audit, companyID: companyID), prices: prices, logger: logger)
    }

    /// The tenant's stored classifier when it was trained from exactly today's categories and
    /// corrections (and in today's format); otherwise one trained again and stored.
    func embeddedClassifier(_ prompted: [ClassificationCategory], categories: [InboxCategory], settings: InboxSettings,
                            companyID: UUID, logger: Logger) async throws -> EmbeddedClassifier {
        let seeds = prompted.map(\.seed)
        let fingerprint = ClassifierFingerprint.make(categories: seeds, training: try await classifications.trainingSummary(companyID: companyID))
        if var classifier = trainedClassifiers.classifier(companyID: companyID, fingerprint: fingerprint) {
            classifier.reviewThreshold = settings.reviewThreshold
            return classifier
        }
        if let stored = try await storedClassifiers.load(companyID: companyID),
           stored.formatVersion == EmbeddedClassifier.formatVersion, stored.fingerprint == fingerprint,
           var classifier = try? EmbeddedClassifier(encoded: stored.encoded) {
            trainedClassifiers.remember(classifier, companyID: companyID, fingerprint: fingerprint)
            classifier.reviewThreshold = settings.reviewThreshold
            return classifier
        }
        let classifier = try await trainedClassifier(seeds, categories: categories, settings: settings, companyID: companyID)
        trainedClassifiers.remember(classifier, companyID: companyID, fingerprint: fingerprint)
        do {
            try await storedClassifiers.save(companyID: companyID, encoded: try classifier.encoded(), formatVersion: EmbeddedClassifier.formatVersion,
                                             fingerprint: fingerprint)
        } catch {
            // Storing only saves the next run a training; this run classifies either way.
            logger.warning("embedded classifier not stored", metadata: ["company_id": "\(companyID)", "error": "\(error)"])
        }
        return classifier
    }

    /// The categories' descriptions and examples, plus every correction people made (those of
    /// categories that are no longer active are left out).
    private func trainedClassifier(_ seeds: [CategorySeed], categories: [InboxCategory], settings: InboxSettings,
                                   companyID: UUID) async throws -> EmbeddedClassifier {
        let active = Set(categories.map(\.id))
        let examples = try await classifications.trainingExamples(companyID: companyID)
            .filter { active.contains($0.categoryID) }
            .map { LabelledInput(ClassifierInput(sender: $0.sender, subject: $0.subject, snippet: $0.snippet), categoryID: $0.categoryID.uuidString) }
        if examples.isEmpty {
            return EmbeddedClassifier(categories: seeds, reviewThreshold: settings.reviewThreshold)
        }
        return EmbeddedClassifier.trained(categories: seeds, examples: examples, reviewThreshold: settings.reviewThreshold)
    }

    static func sender(of message: InboundMessage) -> String {
        message.fromName.map { "\($0) <\(message.fromAddress)>" } ?? message.fromAddress
    }

    static func newClassification(_ verdict: ClassificationVerdict) -> NewClassification? {
        guard let messageID = UUID(uuidString: verdict.messageID) else { return nil }
        return NewClassification(
            messageID: messageID, categoryID: verdict.categoryID.flatMap { UUID(uuidString: $0) }, confidence: verdict.confidence,
            reason: verdict.reason, source: sourceText(verdict.source), needsReview: verdict.needsReview)
    }

    static func sourceText(_ source: ClassificationSource) -> String {
        switch source {
        case .llm(let provider, let model): MessageClassification.llmSource(provider: provider.rawValue, model: model)
        case .embedded: MessageClassification.embeddedSource
        case .unanswered: "unanswered"
        }
    }

    /// Counts only: which classifier answered and how many went to review.
    private func recordClassified(_ verdicts: [NewClassification], companyID: UUID) async {
        var bySource: [String: Int] = [:]
        for verdict in verdicts {
            let family = verdict.source.hasPrefix("llm:") ? "llm" : verdict.source
            bySource[family, default: 0] += 1
        }
        var details = [
            "messages": String(verdicts.count),
            "needs_review": String(verdicts.filter(\.needsReview).count),
        ]
        for (family, count) in bySource { details["by_\(family)"] = String(count) }
        await audit.record(AuditEvent(time: now(), kind: "inbox.classified", companyID: companyID, details: details))
    }

    // MARK: Planning label actions

    /// Rules applied to the current verdict of every message of the job; only new actions are
    /// recorded, and their mailboxes get a label job.
    func planLabels(for verdicts: [MessageClassification], categories: [InboxCategory], settings: InboxSettings,
                    companyID: UUID) async throws {
        guard !verdicts.isEmpty else { return }
        let byID = Dictionary(categories.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let ruleOf = Dictionary(try await rules.rules(companyID: companyID).map { ($0.categoryID, $0) }, uniquingKeysWith: { first, _ in first })
        let actions = verdicts.flatMap { verdict in
            LabelPlan.actions(
                for: verdict, category: verdict.categoryID.flatMap { byID[$0] }, rule: verdict.categoryID.flatMap { ruleOf[$0] },
                settings: settings)
        }
        let created = try await labels.enqueue(actions, companyID: companyID)
        let mailboxes = Set(created.compactMap(\.mailboxID)).sorted { $0.uuidString < $1.uuidString }
        guard !mailboxes.isEmpty else { return }
        try await queue.enqueue(mailboxes.map { InboxJobs.label(mailboxID: $0, companyID: companyID) })
    }
}
