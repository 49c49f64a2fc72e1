/// Splits a multipart body at its boundary lines (RFC 2046 §5.1.1): preamble and epilogue are
/// dropped, boundary lines may carry trailing blanks, bare LF is accepted, and a missing closing
/// boundary ends the last part at the end of the input. One linear pass.
enum MultipartSplitter {
    static func split(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> (parts: [ArraySlice<UInt8>], sawClosingBoundary: Bool) {
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            var lineEnd = lineStart
            while lineEnd < body.endIndex, body[lineEnd] != 0x0A { lineEnd += 1 }
            let next = min(lineEnd + 1, body.endIndex)
            if let kind = boundaryKind(body[lineStart..<lineEnd], boundary) {
                if let start = partStart {
                    // The line break before the boundary belongs to the boundary.
                    var end = lineStart
                    if end > start, body[end - 1] == 0x0A { end -= 1 }
                    if end > start, body[end - 1] == 0x0D { end -= 1 }
                    parts.append(body[start..<max(start, end)])
                }
                if kind == .closing { return (parts, true) }
                partStart = next
            }
            lineStart = next
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return (parts, false)
    }

    enum BoundaryKind { case delimiter, closing }

    static func boundaryKind(_ line: ArraySlice<UInt8>, _ boundary: [UInt8]) -> BoundaryKind? {
        guard line.count >= boundary.count + 2, line.first == UInt8(ascii: "-"),
              line[line.startIndex + 1] == UInt8(ascii: "-") else { return nil }
        let afterDashes = line.startIndex + 2
        guard line[afterDashes..<(afterDashes + boundary.count)].elementsEqual(boundary) else { return nil }
        var rest = line[(afterDashes + boundary.count)...]
        var closing = false
        if rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
            closing = true
            rest = rest.dropFirst(2)
        }
        guard rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { return nil }
        return closing ? .closing : .delimiter
    }
}
