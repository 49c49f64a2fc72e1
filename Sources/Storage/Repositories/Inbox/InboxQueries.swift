import Domain
import Foundation

/// What the inbox list shows. All filters combine with AND; `nil` or `false` means "any".
public struct InboxFilter: Sendable, Equatable {
    /// For the platform scope: one tenant's inbox. A tenant scope is always limited to its own.
    public var companyID: UUID?
    public var mailboxID: UUID?
    public var categoryID: UUID?
    /// Received at or after.
    public var from: Date?
    /// Received before.
    public var to: Date?
    public var needsReview: Bool
    /// Only messages with a label action that finally failed.
    public var failedLabelActions: Bool
    /// Only messages without a verdict yet.
    public var unclassified: Bool
    /// Part of the sender's name or address or of the subject, in any letter case.
    public var search: String?

    public init(
        companyID: UUID? = nil, mailboxID: UUID? = nil, categoryID: UUID? = nil, from: Date? = nil, to: Date? = nil,
        needsReview: Bool = false, failedLabelActions: Bool = false, search: String? = nil, unclassified: Bool = false
    ) {
        self.companyID = companyID
        self.mailboxID = mailboxID
        self.categoryID = categoryID
        self.from = from
        self.to = to
        self.needsReview = needsReview
        self.failedLabelActions = failedLabelActions
        self.unclassified = unclassified
        self.search = search
    }
}

/// Where the next page starts: after this message in (received desc, id desc) order. Keyset
/// pagination, so messages arriving while someone pages never shift a page or repeat a row.
public struct InboxCursor: Sendable, Equatable {
    public let receivedAt: Date
    public let id: UUID

    public init(receivedAt: Date, id: UUID) {
        self.receivedAt = receivedAt
        self.id = id
    }

    /// For a URL query: `<unix seconds>.<uuid>`.
    public var token: String {
        "\(Int64(receivedAt.timeIntervalSince1970.rounded(.down))).\(id.uuidString.lowercased())"
    }

    public init?(token: String) {
        let parts = token.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let seconds = Int64(parts[0]), let id = UUID(uuidString: parts[1]) else { return nil }
        self.init(receivedAt: Date(timeIntervalSince1970: TimeInterval(seconds)), id: id)
    }
}

/// One row of the inbox list.
public struct InboxEntry: Sendable, Equatable {
    public let message: InboundMessage
    /// `nil` until the classify job has run.
    public let classification: MessageClassification?
    /// Label actions that finally failed; the row shows a warning when this is not zero.
    public let failedLabelActions: Int

    public init(message: InboundMessage, classification: MessageClassification?, failedLabelActions: Int) {
        self.message = message
        self.classification = classification
        self.failedLabelActions = failedLabelActions
    }
}

public struct InboxPage: Sendable, Equatable {
    public let entries: [InboxEntry]
    /// `nil` on the last page.
    public let nextCursor: InboxCursor?

    public init(entries: [InboxEntry], nextCursor: InboxCursor?) {
        self.entries = entries
        self.nextCursor = nextCursor
    }
}

/// The message card: the message, its verdict, and everything done to it in the mailbox.
public struct InboxMessageDetail: Sendable, Equatable {
    public let entry: InboxEntry
    public let labelActions: [LabelAction]

    public init(entry: InboxEntry, labelActions: [LabelAction]) {
        self.entry = entry
        self.labelActions = labelActions
    }
}

/// Messages per category per day, for the chart.
public struct InboxDailyCounts: Sendable, Equatable {
    /// The start of each day in the requested time zone, oldest first.
    public let days: [Date]
    /// One series per category that has messages in the period; `categoryID == nil` collects
    /// messages without a category (not classified yet, or no category fits). Largest first.
    public let series: [CategoryDaySeries]

    public init(days: [Date], series: [CategoryDaySeries]) {
        self.days = days
        self.series = series
    }

    public func counts(for categoryID: UUID?) -> [Int] {
        series.first { $0.categoryID == categoryID }?.counts ?? Array(repeating: 0, count: days.count)
    }
}

public struct CategoryDaySeries: Sendable, Equatable {
    public let categoryID: UUID?
    /// Aligned with ``InboxDailyCounts/days``.
    public let counts: [Int]

    public init(categoryID: UUID?, counts: [Int]) {
        self.categoryID = categoryID
        self.counts = counts
    }

    public var total: Int { counts.reduce(0, +) }
}

/// What needs someone's attention, for badges and the dashboard.
public struct InboxAttentionCounts: Sendable, Equatable {
    public let total: Int
    public let needsReview: Int
    public let unclassified: Int
    /// Messages with at least one label action that finally failed.
    public let failedLabels: Int

    public init(total: Int, needsReview: Int, unclassified: Int, failedLabels: Int) {
        self.total = total
        self.needsReview = needsReview
        self.unclassified = unclassified
        self.failedLabels = failedLabels
    }
}
