/// What the server reported while idling (or in answer to NOOP). Numbers are sequence
/// numbers, not UIDs: a sync reacts to `exists` by asking `uidsAbove(lastUID)`.
public enum IMAPIdleEvent: Sendable, Equatable {
    /// The server accepted IDLE (again after each periodic re-issue).
    case idling
    case exists(Int)
    case expunged(Int)
    case vanished(IMAPSequenceSet)
    /// Flags, labels or mod-sequence of a message changed.
    case fetched(FetchedMessage)
    case alert(String)

    init?(_ data: IMAPUntaggedResponse) {
        switch data {
        case .exists(let count): self = .exists(count)
        case .expunge(let number): self = .expunged(number)
        case .vanished(_, let uids): self = .vanished(uids)
        case .fetch(let message): self = .fetched(message)
        case .status(let status) where status.code == .alert: self = .alert(status.text)
        default: return nil
        }
    }
}

/// The handler's answer to an event.
public enum IMAPIdleAction: Sendable {
    case keepIdling
    /// Send DONE and return from `idle`, e.g. to fetch the new messages.
    case stop
}

extension IMAPClient {
    /// Idles on the selected folder (RFC 2177) and hands every change to `onEvent` until it
    /// answers `.stop` or the calling task is cancelled; either way DONE is sent and the
    /// server's completion awaited, so the session stays usable (and shuts down cleanly).
    ///
    /// IDLE is re-issued every `reissueAfter`, at most 10 minutes: servers drop an idle
    /// connection after 30 minutes, NAT boxes often sooner. A server that does not complete
    /// DONE within the command timeout gets the connection closed, never an endless wait.
    public func idle(reissueAfter: Duration = .seconds(600),
                     onEvent: @escaping @Sendable (IMAPIdleEvent) async -> IMAPIdleAction) async throws {
        let interval = min(max(reissueAfter, .milliseconds(10)), .seconds(600))
        try await exclusively {
            guard capabilities.contains("IDLE") else { throw IMAPError.unsupported("IDLE") }
            while !Task.isCancelled {
                if try await idleOnce(interval: interval, onEvent: onEvent) == .stop { return }
            }
        }
    }

    private enum IdleWake: Sendable {
        case response(IMAPRawResponse)
        case readFailed(any Error)
        case reissueDue
        case cancelled
        /// The server did not answer IDLE with `+`, or DONE with the completion, in time.
        case answerOverdue
    }

    /// One IDLE command, from sending it to its tagged completion.
    ///
    /// While idling, any of four things may come first: a response, the re-issue time,
    /// cancellation, or a deadline for an answer. A reader task and timers feed one queue so
    /// the actor waits for whichever comes. The reader is not the calling task, so cancelling
    /// the caller never interrupts a read halfway; it stops by itself after the tagged
    /// completion, so it never eats a byte meant for the next command.
    private func idleOnce(interval: Duration, onEvent: @escaping @Sendable (IMAPIdleEvent) async -> IMAPIdleAction) async throws -> IMAPIdleAction {
        guard let transport else { throw IMAPError.notConnected }
        let tag = nextTag()
        try await write(Array("\(tag) IDLE\r\n".utf8))

        let wakes = IMAPEventQueue<IdleWake>()
        // Responses that came in with the previous command's burst are the first news.
        for raw in try takeBufferedResponses() {
            wakes.push(.response(raw))
        }
        let readTimeout = interval + endpoint.commandTimeout + .seconds(30)
        Task {
            do {
                while true {
                    // One response per read: the reader stops at the tagged completion and must
                    // not have taken bytes that belong to the next command.
                    var frame = ReceivedResponses()
                    frame.reset(to: try await transport.readFrames(Self.frameScanner, upTo: 1, timeout: readTimeout))
                    let raw = try frame.next()
                    wakes.push(.response(raw))
                    if raw.isTagged { break }
                }
            } catch {
                wakes.push(.readFailed(error))
            }
        }
        return try await withTaskCancellationHandler {
            try await idleLoop(tag: tag, interval: interval, wakes: wakes, onEvent: onEvent)
        } onCancel: {
            wakes.push(.cancelled)
        }
    }

    /// The waiting part of ``idleOnce``: its mutable state lives in this one actor-isolated
    /// call, so nothing mutable is captured by the cancellation handler's closure.
    private func idleLoop(tag: String, interval: Duration, wakes: IMAPEventQueue<IdleWake>, onEvent: @escaping @Sendable (IMAPIdleEvent) async -> IMAPIdleAction) async throws -> IMAPIdleAction {
        let answerLimit = endpoint.commandTimeout
        let answerDeadline: @Sendable () -> Task<Void, Never> = {
            Task {
                try? await Task.sleep(for: answerLimit)
                if !Task.isCancelled { wakes.push(.answerOverdue) }
            }
        }
        var deadline: Task<Void, Never>? = answerDeadline()
        var reissueTimer: Task<Void, Never>?
        defer {
            deadline?.cancel()
            reissueTimer?.cancel()
        }

        var accepted = false
        var stopping = false
        var doneSent = false

        while true {
            // DONE may only follow the server's `+`; a stop wished for earlier waits for it.
            var shouldSendDone = false
            switch await wakes.next() {
            case .response(let raw):
                switch try IMAPResponseParser.parse(raw, options: parserOptions) {
                case .continuation:
                    guard !accepted else { continue }
                    accepted = true
                    deadline?.cancel()
                    deadline = nil
                    reissueTimer = Task {
                        try? await Task.sleep(for: interval)
                        if !Task.isCancelled { wakes.push(.reissueDue) }
                    }
                    if !stopping, await onEvent(.idling) == .stop { stopping = true }
                    shouldSendDone = stopping
                case .tagged(let completedTag, let completion) where completedTag == tag:
                    noteCompletion(completion)
                    guard completion.status == .ok else {
                        throw IMAPError.commandFailed(IMAPCommandFailure(command: "IDLE", response: completion))
                    }
                    return stopping ? .stop : .keepIdling
                case .tagged(let otherTag, _):
                    throw IMAPError.protocolViolation("a completion for tag \(otherTag) during IDLE")
                case .untagged(let data):
                    noteUntagged(data)
                    if !stopping, let event = IMAPIdleEvent(data), await onEvent(event) == .stop {
                        stopping = true
                        shouldSendDone = true
                    }
                }
            case .readFailed(let error):
                throw error
            case .reissueDue:
                shouldSendDone = true
            case .cancelled:
                stopping = true
                shouldSendDone = true
            case .answerOverdue:
                throw IMAPError.timedOut
            }
            if shouldSendDone, accepted, !doneSent {
                doneSent = true
                try await write(Array("DONE\r\n".utf8))
                deadline?.cancel()
                deadline = answerDeadline()
            }
        }
    }
}

extension IMAPClient {
    /// NOOP: lets the server report changes (new messages, expunges, flag changes) on servers
    /// or connections where IDLE is not used.
    public func noop() async throws -> [IMAPIdleEvent] {
        try await exclusively {
            var events: [IMAPIdleEvent] = []
            try await run(IMAPCommand("NOOP")) { data in
                if let event = IMAPIdleEvent(data) { events.append(event) }
            }
            return events
        }
    }
}
