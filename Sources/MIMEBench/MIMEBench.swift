import Foundation
import MIME

// `mime-bench FILE…`: the parser's side of `scripts/bench mime`. It reads every file into memory
// first (the peers do the same), parses the whole set once to warm up, then repeatedly for at
// least two seconds, doing what inbound sync does with each message: the full summary (headers,
// part tree, snippet, attachment list, defects). It prints one JSON object for the driver.

@main
enum MIMEBench {
    static func main() throws {
        let paths = Array(CommandLine.arguments.dropFirst())
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: mime-bench FILE…\n".utf8))
            exit(2)
        }
        let messages: [[UInt8]] = paths.compactMap { FileManager.default.contents(atPath: $0).map(Array.init) }
        let totalBytes = messages.reduce(0) { $0 + $1.count }

        // Something the optimiser cannot drop: every summary contributes to it.
        var checksum = 0
        func parseAll() {
            for message in messages {
                let summary = MessageSummary(parsing: message)
                checksum &+= summary.snippet.utf8.count &+ summary.attachments.count &+ (summary.subject?.utf8.count ?? 0)
            }
        }

        parseAll()
        let clock = ContinuousClock()
        var rounds = 0
        let started = clock.now
        repeat {
            parseAll()
            rounds += 1
        } while clock.now - started < .seconds(2)
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18

        let result: [String: Any] = [
            "messages": messages.count,
            "bytes": totalBytes,
            "rounds": rounds,
            "seconds": seconds,
            "mb_per_s": Double(totalBytes * rounds) / 1e6 / seconds,
            "messages_per_s": Double(messages.count * rounds) / seconds,
            "checksum": checksum,
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
