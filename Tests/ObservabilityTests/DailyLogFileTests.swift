import Foundation
import Testing
@testable import Observability

@Suite struct DailyLogFileTests {
    static let day1 = LogDay(year: 2026, month: 11, day: 28)!
    static let day2 = LogDay(year: 2026, month: 11, day: 29)!

    @Test func createsTheDirectoryAndTodaysFileWithMode0640() throws {
        let scratch = try makeScratchDirectory()
        defer { removeScratchDirectory(scratch) }
        let directory = scratch.appendingPathComponent("nested/log", isDirectory: true)
        let clock = ManualLogClock(Self.day2.start.addingTimeInterval(3600))
        let file = try DailyLogFile(directory: directory, prefix: "app", clock: clock)
        let today = directory.appendingPathComponent("app-2026-11-29.log")
        #expect(file.currentFileURL.path == today.path)
        #expect(fileExists(today), "today's file is opened eagerly")
        #expect(permissionBits(today) == 0o640)
        file.write(line: "one")
        file.write(line: "two")
        #expect(try String(contentsOf: today, encoding: .utf8) == "one\ntwo\n")
    }

    @Test func appendsToAnExistingFileInsteadOfTruncating() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let clock = ManualLogClock(Self.day2.start.addingTimeInterval(60))
        let today = directory.appendingPathComponent("app-2026-11-29.log")
        try Data("earlier\n".utf8).write(to: today)
        let file = try DailyLogFile(directory: directory, prefix: "app", clock: clock)
        file.write(line: "later")
        #expect(try String(contentsOf: today, encoding: .utf8) == "earlier\nlater\n")
    }

    @Test func rotatesAtMidnightAndGzipsTheFinishedDay() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let clock = ManualLogClock(Self.day1.start.addingTimeInterval(23 * 3600 + 59 * 60))
        let file = try DailyLogFile(directory: directory, prefix: "app", clock: clock)
        file.write(line: #"{"n":1}"#)
        file.write(line: #"{"n":2,"text":"Привет"}"#)
        let plain1 = directory.appendingPathComponent("app-2026-11-28.log")
        let archive1 = directory.appendingPathComponent("app-2026-11-28.log.gz")
        #expect(fileExists(plain1))
        #expect(!fileExists(archive1))

        clock.set(Self.day2.start.addingTimeInterval(1))
        file.write(line: #"{"n":3}"#)

        #expect(!fileExists(plain1), "the finished day's plain file is removed")
        #expect(fileExists(archive1))
        #expect(permissionBits(archive1) == 0o640)
        let expected = Data("{\"n\":1}\n{\"n\":2,\"text\":\"Привет\"}\n".utf8)
        let compressed = try Data(contentsOf: archive1)
        #expect([UInt8](compressed.prefix(2)) == [UInt8]([0x1F, 0x8B]), "gzip magic number")
        #expect(try gunzipInProcess(archive1) == expected)
        if let systemGunzip = try gunzipWithSystemTool(archive1) {
            #expect(systemGunzip == expected)
        }

        let plain2 = directory.appendingPathComponent("app-2026-11-29.log")
        #expect(try String(contentsOf: plain2, encoding: .utf8) == "{\"n\":3}\n")
        #expect(!fileExists(directory.appendingPathComponent("app-2026-11-29.log.gz")))
        // No temporary files left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["app-2026-11-28.log.gz", "app-2026-11-29.log"])
    }

    @Test func largeFilesAreCompressedInBlocksWithoutLoss() throws {
        // Several hundred KiB of poorly compressible text: the gzip stream spans many 64 KiB
        // windows and input blocks.
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let clock = ManualLogClock(Self.day1.start.addingTimeInterval(12 * 3600))
        let file = try DailyLogFile(directory: directory, prefix: "big", clock: clock)
        var expected = ""
        for index in 0..<6000 {
            let line = "\(index) \(UUID().uuidString) \(UUID().uuidString) \(UUID().uuidString)"
            file.write(line: line)
            expected += line + "\n"
        }
        clock.advance(days: 1)
        file.housekeeping()
        let archive = directory.appendingPathComponent("big-2026-11-28.log.gz")
        #expect(fileExists(archive))
        #expect(!fileExists(directory.appendingPathComponent("big-2026-11-28.log")))
        #expect(try gunzipInProcess(archive) == Data(expected.utf8))
        if let systemGunzip = try gunzipWithSystemTool(archive) {
            #expect(systemGunzip == Data(expected.utf8))
        }
        // The next write goes to the new day.
        file.write(line: "next day")
        #expect(try readLines(directory.appendingPathComponent("big-2026-11-29.log")) == ["next day"])
    }

    @Test func openingAfterMidnightCompressesEarlierDays() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let yesterday = directory.appendingPathComponent("app-2026-11-28.log")
        let older = directory.appendingPathComponent("app-2026-11-25.log")
        try Data("last line of yesterday\n".utf8).write(to: yesterday)
        try Data("older\n".utf8).write(to: older)
        let otherPrefix = directory.appendingPathComponent("audit-2026-11-28.log")
        try Data("audit\n".utf8).write(to: otherPrefix)

        let clock = ManualLogClock(Self.day2.start.addingTimeInterval(5 * 60))
        let file = try DailyLogFile(directory: directory, prefix: "app", clock: clock)

        #expect(!fileExists(yesterday))
        #expect(try gunzipInProcess(directory.appendingPathComponent("app-2026-11-28.log.gz")) == Data("last line of yesterday\n".utf8))
        #expect(try gunzipInProcess(directory.appendingPathComponent("app-2026-11-25.log.gz")) == Data("older\n".utf8))
        #expect(fileExists(otherPrefix), "another prefix's files are not ours to touch")
        #expect(fileExists(file.currentFileURL), "today's file stays plain")
        #expect(!fileExists(directory.appendingPathComponent("app-2026-11-29.log.gz")))
    }

    /// Retention: an archive is deleted when `today − its day > retentionDays`. With 30 days, on
    /// 2026-11-29 the archive of 2026-10-29 (31 days back) goes; 2026-10-30 (30 days back) stays.
    @Test func retentionDeletesArchivesMoreThanThirtyDaysOld() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let today = Self.day2
        let clock = ManualLogClock(today.start.addingTimeInterval(10 * 3600))
        let file = try DailyLogFile(directory: directory, prefix: "app", retentionDays: 30, clock: clock)

        func archive(_ daysBack: Int, prefix: String = "app") -> URL {
            directory.appendingPathComponent("\(prefix)-\(today.adding(days: -daysBack)).log.gz")
        }
        for url in [archive(31), archive(30), archive(5), archive(40, prefix: "audit")] {
            try Data([0x1F, 0x8B]).write(to: url)
        }
        #expect(archive(31).lastPathComponent == "app-2026-10-29.log.gz")
        #expect(archive(30).lastPathComponent == "app-2026-10-30.log.gz")

        file.housekeeping()
        #expect(!fileExists(archive(31)), "31 days back is more than 30: deleted")
        #expect(fileExists(archive(30)), "exactly 30 days back is kept")
        #expect(fileExists(archive(5)))
        #expect(fileExists(archive(40, prefix: "audit")), "another prefix is left alone")

        // One day later the 30-day archive crosses the boundary.
        clock.advance(days: 1)
        file.housekeeping()
        #expect(!fileExists(archive(30)))
        #expect(fileExists(archive(5)))
    }

    @Test func retentionAlsoRunsAtOpen() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let old = directory.appendingPathComponent("app-2026-10-01.log.gz")
        try Data([0x1F, 0x8B]).write(to: old)
        _ = try DailyLogFile(directory: directory, prefix: "app", retentionDays: 30, clock: ManualLogClock(Self.day2.start))
        #expect(!fileExists(old))
    }

    @Test func fileNamesMatchOnlyTheirOwnPrefix() {
        #expect(DailyLogFile.parse(fileName: "app-2026-11-29.log", prefix: "app")?.day == Self.day2)
        #expect(DailyLogFile.parse(fileName: "app-2026-11-29.log", prefix: "app")?.archived == false)
        #expect(DailyLogFile.parse(fileName: "app-2026-11-29.log.gz", prefix: "app")?.archived == true)
        #expect(DailyLogFile.parse(fileName: "app-audit-2026-11-29.log", prefix: "app")?.day == nil)
        #expect(DailyLogFile.parse(fileName: "app-2026-11-29.log.gz.tmp-42", prefix: "app")?.day == nil)
        #expect(DailyLogFile.parse(fileName: "app-2026-02-30.log", prefix: "app")?.day == nil)
        #expect(DailyLogFile.parse(fileName: "application-2026-11-29.log", prefix: "app")?.day == nil)
    }

    @Test func rejectsPrefixesThatAreNotFileNames() throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        #expect(throws: LogFileError.self) { try DailyLogFile(directory: directory, prefix: "", clock: ManualLogClock()) }
        #expect(throws: LogFileError.self) { try DailyLogFile(directory: directory, prefix: "a/b", clock: ManualLogClock()) }
    }

    @Test func concurrentWritersAcrossMidnightLoseNothing() async throws {
        let directory = try makeScratchDirectory()
        defer { removeScratchDirectory(directory) }
        let clock = ManualLogClock(Self.day1.start.addingTimeInterval(86_400 - 1))
        let file = try DailyLogFile(directory: directory, prefix: "mid", clock: clock)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for index in 0..<250 {
                        if task == 0 && index == 100 { clock.advance(by: 2) }
                        file.write(line: "\(task)-\(index)")
                    }
                }
            }
        }
        let archivedData = try gunzipInProcess(directory.appendingPathComponent("mid-2026-11-28.log.gz"))
        let archived = String(decoding: archivedData, as: UTF8.self)
        let current = try String(contentsOf: directory.appendingPathComponent("mid-2026-11-29.log"), encoding: .utf8)
        let all = (archived + current).split(separator: "\n").map(String.init)
        #expect(all.count == 1000)
        #expect(Set(all).count == 1000)
        #expect(!fileExists(directory.appendingPathComponent("mid-2026-11-28.log")))
    }
}
