import Foundation
import Logging
import Synchronization

/// Process-wide logging setup: every `Logger` writes JSON lines to
/// `<directory>/smartysales-YYYY-MM-DD.log` and, when asked, human-readable lines to stderr.
public enum LoggingBootstrap {
    /// File name prefix of the application log.
    public static let filePrefix = "smartysales"

    /// swift-log allows one `LoggingSystem.bootstrap` per process and crashes on a second. Remember
    /// the first so that later calls (a command that starts logging twice, tests) are harmless.
    private static let bootstrapped = Mutex<DailyLogFile?>(nil)

    /// Bootstraps swift-log once and returns the application log file.
    ///
    /// A second call returns the file of the first and changes nothing: the directory, level and
    /// stderr choice of the first call stay in force.
    ///
    /// - Throws: ``LogFileError`` or a file-system error when the log directory or today's file
    ///   cannot be created; logging is then not bootstrapped and the caller may retry.
    @discardableResult
    public static func start(directory: URL, level: Logger.Level, alsoToStderr: Bool, retentionDays: Int = 30) throws -> DailyLogFile {
        let file: DailyLogFile = try bootstrapped.withLock { current in
            if let existing = current { return existing }
            let opened = try DailyLogFile(directory: directory, prefix: filePrefix, retentionDays: retentionDays)
            LoggingSystem.bootstrap { label in
                makeHandler(label: label, file: opened, level: level, alsoToStderr: alsoToStderr)
            }
            current = opened
            return opened
        }
        return file
    }

    /// The file ``start(directory:level:alsoToStderr:retentionDays:)`` opened, if it has run.
    public static var currentFile: DailyLogFile? {
        bootstrapped.withLock { current in current }
    }

    /// The handler `start` installs for each logger label: JSON lines to `file`, plus swift-log's
    /// stderr handler when `alsoToStderr`, masked like the file. Both get `level`, so the
    /// multiplexer's threshold is `level` as well.
    public static func makeHandler(label: String, file: DailyLogFile, level: Logger.Level, alsoToStderr: Bool) -> any LogHandler {
        let json = JSONLinesLogHandler(label: label, file: file, logLevel: level)
        guard alsoToStderr else { return json }
        var standardError = StreamLogHandler.standardError(label: label)
        standardError.logLevel = level
        return MultiplexLogHandler([json, MaskingLogHandler(wrapping: standardError)])
    }
}
