import Foundation
import Testing
@testable import Observability

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under the system temporary directory; the caller removes it.
func makeScratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("observability-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func removeScratchDirectory(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

func fileExists(_ url: URL) -> Bool {
    FileManager.default.fileExists(atPath: url.path)
}

/// Permission bits of a file, via stat(2) so the answer does not depend on how Foundation
/// represents `posixPermissions` on this platform.
func permissionBits(_ url: URL) -> Int? {
    var info = stat()
    guard stat(url.path, &info) == 0 else { return nil }
    return Int(info.st_mode) & 0o777
}

/// Non-empty lines of a text file.
func readLines(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
}

/// The system `gzip` decompresses `url` (`gzip -dc`), proving the archive is a standard gzip
/// stream and not just something our own decompressor accepts. Nil when no gzip binary exists.
func gunzipWithSystemTool(_ url: URL) throws -> Data? {
    guard let tool = ["/usr/bin/gzip", "/bin/gzip"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = ["-dc", url.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "gzip -dc \(url.lastPathComponent) failed")
    return data
}

/// Decompresses with CompressNIO through the module's own helper.
func gunzipInProcess(_ url: URL) throws -> Data {
    let compressed = try Data(contentsOf: url)
    let bytes = try GzipFile.decompress(Array(compressed))
    return Data(bytes)
}

/// Parses one JSON line into an object, failing the test if it is not one.
func jsonObject(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(parsed as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
}
