import MIME

// libFuzzer entry point for the MIME parser: every byte sequence must parse into something,
// without crashing, hanging or reading out of bounds. `scripts/fuzz` builds this with
// `-sanitize=fuzzer,address` and runs it for a bounded time.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let summary = MessageSummary(parsing: bytes)
    _ = summary.jsonObject
    let root = MIMEPart(parsing: bytes[...])
    _ = Snippet.of(root, trimQuotedReplies: true)
    _ = HTMLText.text(from: String(decoding: bytes, as: UTF8.self), dropQuotes: true)
    return 0
}
